package example

// Example tests: the AWS SDK for Go v2 resolves credentials from metamock.
// Only a credential provider's Retrieve is called: no client, no signed
// request, no AWS service.
//
// Module mode (your project):
//
//	go get github.com/aws/aws-sdk-go-v2/config \
//	  github.com/aws/aws-sdk-go-v2/credentials \
//	  github.com/aws/aws-sdk-go-v2/feature/ec2/imds
//	METAMOCK=/path/to/metamock go test ./...
//
// GOPATH mode against Debian's golang-github-aws-aws-sdk-go-v2-dev (what
// tests/recipes/recipes_test.sh does): put these files in
// $GOPATH/src/example and run
//
//	GO111MODULE=off GOPATH=$GOPATH:/usr/share/gocode go test example

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
)

func context10s(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// instanceRole is the SDK's EC2 role provider; imds.New reads
// AWS_EC2_METADATA_SERVICE_ENDPOINT, which PointSDKAt set.
func instanceRole() *ec2rolecreds.Provider {
	return ec2rolecreds.New(func(o *ec2rolecreds.Options) {
		o.Client = imds.New(imds.Options{})
	})
}

func TestDefaultChainGetsInstanceRoleCredentials(t *testing.T) {
	m := StartMetamock(t, "healthy")
	m.PointSDKAt(t, "ec2")
	ctx := context10s(t)

	// What an application does: the default chain, then Retrieve.
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(creds.AccessKeyID, "ASIA") || creds.Source != ec2rolecreds.ProviderName {
		t.Fatalf("unexpected credentials from %s", creds.Source)
	}
}

func TestRoleRemovedFromProfile(t *testing.T) {
	m := StartMetamock(t, "healthy")
	m.PointSDKAt(t, "ec2")
	// The control API: the IAM action, applied at once.
	m.Call(t, "POST", "iam", map[string]string{"Action": "RemoveRoleFromInstanceProfile"})

	_, err := instanceRole().Retrieve(context10s(t))
	if err == nil || !strings.Contains(err.Error(), "StatusCode: 404") {
		t.Fatalf("expected a 404 from IMDS, got %v", err)
	}
}

func TestNoCredentialsUntilTheNextRotation(t *testing.T) {
	// role-readded: the role leaves the profile at +5m and comes back at
	// +10m; IMDS serves nothing until the rotation at +60m.
	m := StartMetamock(t, "role-readded")
	m.PointSDKAt(t, "ec2")
	ctx := context10s(t)

	m.Call(t, "POST", "clock", map[string]string{"advance": "11m"})
	if _, err := instanceRole().Retrieve(ctx); err == nil {
		t.Fatal("expected no credentials at +11m")
	}
	m.Call(t, "POST", "clock", map[string]string{"advance": "50m"})
	if _, err := instanceRole().Retrieve(ctx); err != nil {
		t.Fatalf("expected credentials after the rotation: %v", err)
	}
}

func TestTaskCredentials(t *testing.T) {
	m := StartMetamock(t, "ecs-credentials-uninitialized")
	m.PointSDKAt(t, "ecs") // AWS_CONTAINER_CREDENTIALS_FULL_URI on 127.0.0.1
	ctx := context10s(t)
	provider := endpointcreds.New(os.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"))

	// For the first 2 minutes the agent answers 503 CredentialsUninitialized.
	if _, err := provider.Retrieve(ctx); err == nil || !strings.Contains(err.Error(), "CredentialsUninitialized") {
		t.Fatalf("expected CredentialsUninitialized, got %v", err)
	}
	m.Call(t, "POST", "clock", map[string]string{"advance": "2m"})
	if _, err := provider.Retrieve(ctx); err != nil {
		t.Fatalf("expected credentials after 2 minutes: %v", err)
	}
}
