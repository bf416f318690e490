// go-v2-probe resolves AWS credentials with one AWS SDK for Go v2 provider,
// the way an application would, and prints ONE JSON line on stdout
// (clients/README.md is the contract):
//
//	{"sdk":"go-v2","version":"1.17.1","provider":"imds","outcome":"credentials",
//	 "access_key_prefix":"ASIAABCD","access_key_sha256":"<hex>","role":null,
//	 "expiration":"2026-11-23T16:00:00Z","error":null,"ms":12}
//
// Usage: go-v2-probe chain|imds|container
//
//	chain      config.LoadDefaultConfig(ctx), then cfg.Credentials.Retrieve(ctx)
//	imds       ec2rolecreds.New with Client = imds.New(imds.Options{}) (imds.New
//	           reads AWS_EC2_METADATA_SERVICE_ENDPOINT itself), then Retrieve
//	container  endpointcreds.New(AWS_CONTAINER_CREDENTIALS_FULL_URI), with
//	           AuthorizationToken = AWS_CONTAINER_AUTHORIZATION_TOKEN if set,
//	           then Retrieve
//
// Each retrieval is bounded by a 30 s context. Only the provider's Retrieve is
// called: nothing is signed, no AWS service is contacted. version is
// aws.SDKVersion (the aws-sdk-go-v2 core module); role is always null (the
// Go SDK does not report it); expiration is null when the credentials cannot
// expire; error is err.Error(), the message the SDK's users see.
//
// Safety (safety.go): the probe refuses to run (exit 2, message on stderr)
// when an endpoint variable names a host other than loopback, when
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set, or when imds/chain would
// fall back to the default IMDS address; outside a namespace every HTTP client
// it hands the SDK also refuses non-loopback connections and DNS queries.
// METAMOCK_PROBE_IN_NETNS=1 lifts all of that, inside a namespace the caller
// created.
//
// Exit status: 0 a line was printed (credentials or error), 2 bad usage or an
// unsafe environment.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
)

const (
	probeName    = "go-v2-probe"
	probeTimeout = 30 * time.Second
)

// result is the JSON line; field order is the contract's.
type result struct {
	SDK             string  `json:"sdk"`
	Version         string  `json:"version"`
	Provider        string  `json:"provider"`
	Outcome         string  `json:"outcome"`
	AccessKeyPrefix *string `json:"access_key_prefix"`
	AccessKeySHA256 *string `json:"access_key_sha256"`
	Role            *string `json:"role"`
	Expiration      *string `json:"expiration"`
	Error           *string `json:"error"`
	MS              int64   `json:"ms"`
}

// newHTTPClient returns the client the SDK would build by default
// (awshttp.NewBuildableClient), with guardDialer applied and no proxy unless
// in a namespace. Go never proxies loopback targets, so for the addresses
// the probe may reach nothing changes.
func newHTTPClient(netns bool) *awshttp.BuildableClient {
	c := awshttp.NewBuildableClient()
	if netns {
		return c
	}
	return c.WithDialerOptions(guardDialer).
		WithTransportOptions(func(tr *http.Transport) { tr.Proxy = nil })
}

func retrieve(ctx context.Context, provider string, hc *awshttp.BuildableClient) (aws.Credentials, error) {
	switch provider {
	case providerChain:
		cfg, err := config.LoadDefaultConfig(ctx,
			config.WithHTTPClient(hc),
			// The chain's endpoint provider builds its own client otherwise.
			config.WithEndpointCredentialOptions(func(o *endpointcreds.Options) { o.HTTPClient = hc }))
		if err != nil {
			return aws.Credentials{}, err
		}
		if cfg.Credentials == nil {
			return aws.Credentials{}, errors.New("LoadDefaultConfig set no credentials provider")
		}
		return cfg.Credentials.Retrieve(ctx)
	case providerIMDS:
		p := ec2rolecreds.New(func(o *ec2rolecreds.Options) {
			o.Client = imds.New(imds.Options{HTTPClient: hc})
		})
		return p.Retrieve(ctx)
	case providerContainer:
		p := endpointcreds.New(os.Getenv(envFullURI), func(o *endpointcreds.Options) {
			o.HTTPClient = hc
			if token := os.Getenv(envAuthToken); token != "" {
				o.AuthorizationToken = token
			}
		})
		return p.Retrieve(ctx)
	}
	return aws.Credentials{}, fmt.Errorf("unknown provider %q", provider)
}

func strPtr(s string) *string { return &s }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || (args[0] != providerChain && args[0] != providerIMDS && args[0] != providerContainer) {
		fmt.Fprintf(stderr, "usage: %s chain|imds|container\n", probeName)
		return 2
	}
	provider := args[0]
	if err := checkEnvironment(provider, os.LookupEnv); err != nil {
		fmt.Fprintf(stderr, "%s: refusing to run: %v\n", probeName, err)
		return 2
	}
	hc := newHTTPClient(inNetns(os.LookupEnv))

	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	start := time.Now()
	creds, err := retrieve(ctx, provider, hc)
	elapsed := time.Since(start)

	r := result{SDK: "go-v2", Version: aws.SDKVersion, Provider: provider, MS: elapsed.Milliseconds()}
	if err != nil {
		r.Outcome = "error"
		r.Error = strPtr(err.Error())
	} else {
		r.Outcome = "credentials"
		id := creds.AccessKeyID
		prefix := id
		if len(prefix) > 8 {
			prefix = prefix[:8]
		}
		sum := sha256.Sum256([]byte(id))
		r.AccessKeyPrefix = strPtr(prefix)
		r.AccessKeySHA256 = strPtr(hex.EncodeToString(sum[:]))
		if creds.CanExpire {
			r.Expiration = strPtr(creds.Expires.UTC().Format(time.RFC3339))
		}
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		fmt.Fprintf(stderr, "%s: writing the result: %v\n", probeName, err)
		return 2
	}
	return 0
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
