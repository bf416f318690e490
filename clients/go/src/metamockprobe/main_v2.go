//go:build sdkv2

// go-v2-probe resolves AWS credentials with one AWS SDK for Go v2 provider,
// the way an application would, and prints ONE JSON line on stdout
// (clients/README.md is the contract):
//
//	{"sdk":"go-v2","version":"1.17.1","provider":"imds","outcome":"credentials",
//	 "access_key_prefix":"ASIAABCD","access_key_sha256":"<hex>","role":null,
//	 "expiration":"2026-11-23T16:00:00Z","error":null,"error_type":null,"ms":12}
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
// called: nothing is signed, no AWS service is contacted.
//
// Fields: version is aws.SDKVersion (the aws-sdk-go-v2 core module); role is
// always null (the Go SDK does not report it); expiration is the credentials'
// Expires in UTC, null when they cannot expire (ec2rolecreds caps it at one
// hour from now; the chain's cache reports it 5 min early for container
// credentials); error is err.Error(), the message the SDK's users see;
// error_type is the API error code the SDK parsed from the response
// (smithy.APIError's ErrorCode(), e.g. AssumeRoleUnauthorizedAccess) when
// there is one, else the Go type of the outermost error that is not a
// fmt.Errorf wrapper (e.g. *smithy.OperationError); ms is the wall time of the
// resolution (config loading included for chain).
//
// Safety (safety.go): the probe refuses to run when an endpoint variable
// names a host other than loopback, when AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
// is set, when imds/chain would fall back to the default IMDS address, or when
// chain would call STS. Outside a namespace every HTTP client it hands the SDK
// also refuses non-loopback connections and DNS queries, and uses no proxy.
// METAMOCK_PROBE_IN_NETNS=1 lifts all of that but the STS check, inside a
// namespace the caller created.
//
// Exit status: 0 when a credentials or error line was printed; 2 for bad
// usage, an unsafe environment, or a connection the guard refused (a JSON line
// with outcome "error" and error_type ProbeUsageError or
// ProbeUnsafeEnvironment, the message on stderr too).
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
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/smithy-go"
)

const (
	probeName    = "go-v2-probe"
	probeTimeout = 30 * time.Second
)

// result is the JSON line; field order is the contract's, plus error_type
// as the other probes print it.
type result struct {
	SDK             string  `json:"sdk"`
	Version         string  `json:"version"`
	Provider        *string `json:"provider"`
	Outcome         string  `json:"outcome"`
	AccessKeyPrefix *string `json:"access_key_prefix"`
	AccessKeySHA256 *string `json:"access_key_sha256"`
	Role            *string `json:"role"`
	Expiration      *string `json:"expiration"`
	Error           *string `json:"error"`
	ErrorType       *string `json:"error_type"`
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

// errorType is the error_type field for an SDK error (see the file comment).
func errorType(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() != "" {
		return apiErr.ErrorCode()
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if t := fmt.Sprintf("%T", e); !strings.HasPrefix(t, "*fmt.") {
			return t
		}
	}
	return fmt.Sprintf("%T", err)
}

func write(stdout, stderr io.Writer, r result) bool {
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		fmt.Fprintf(stderr, "%s: writing the result: %v\n", probeName, err)
		return false
	}
	return true
}

func run(args []string, stdout, stderr io.Writer) int {
	var provider *string
	if len(args) == 1 {
		provider = strPtr(args[0])
	}
	refuse := func(errorType, message string, ms int64) int {
		fmt.Fprintf(stderr, "%s: %s\n", probeName, message)
		write(stdout, stderr, result{SDK: sdkName, Version: aws.SDKVersion, Provider: provider,
			Outcome: "error", Error: strPtr(message), ErrorType: strPtr(errorType), MS: ms})
		return 2
	}
	if provider == nil || (*provider != providerChain && *provider != providerIMDS && *provider != providerContainer) {
		return refuse("ProbeUsageError", "usage: "+probeName+" chain|imds|container", 0)
	}
	if err := checkEnvironment(*provider, os.LookupEnv); err != nil {
		return refuse("ProbeUnsafeEnvironment", "refusing to run: "+err.Error(), 0)
	}
	hc := newHTTPClient(inNetns(os.LookupEnv))

	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	start := time.Now()
	creds, err := retrieve(ctx, *provider, hc)
	ms := time.Since(start).Milliseconds()
	if refused := guardRefusals.list(); len(refused) > 0 {
		return refuse("ProbeUnsafeEnvironment", "refused: the SDK tried to make "+
			strings.Join(refused, ", ")+" (only loopback is allowed)", ms)
	}

	r := result{SDK: sdkName, Version: aws.SDKVersion, Provider: provider, MS: ms}
	if err != nil {
		r.Outcome = "error"
		r.Error = strPtr(err.Error())
		r.ErrorType = strPtr(errorType(err))
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
	if !write(stdout, stderr, r) {
		return 2
	}
	return 0
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// sdkName is this build's "sdk" field (build tag sdkv2).
const sdkName = "go-v2"
