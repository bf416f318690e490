//go:build sdkv1

// go-v1-probe resolves AWS credentials with one AWS SDK for Go (v1) provider,
// the way an application would, and prints ONE JSON line on stdout
// (clients/README.md is the contract):
//
//	{"sdk":"go-v1","version":"1.44.133","provider":"chain","outcome":"error",
//	 "access_key_prefix":null,"access_key_sha256":null,"role":null,
//	 "expiration":null,"error":"NoCredentialProviders: no valid providers in chain. ...",
//	 "error_type":"NoCredentialProviders",
//	 "error_verbose":"NoCredentialProviders: no valid providers in chain\ncaused by: ...","ms":12}
//
// Usage: go-v1-probe chain|imds|container
//
//	chain      session.NewSession(), then sess.Config.Credentials.Get()
//	imds       &ec2rolecreds.EC2RoleProvider{Client: ec2metadata.New(sess)}
//	           (ec2metadata uses the session's AWS_EC2_METADATA_SERVICE_ENDPOINT)
//	container  endpointcreds.NewCredentialsClient(*sess.Config, defaults.Handlers(),
//	           AWS_CONTAINER_CREDENTIALS_FULL_URI), with AuthorizationToken =
//	           AWS_CONTAINER_AUTHORIZATION_TOKEN if set
//
// Get is called as GetWithContext with a 30 s deadline (the same call, bounded).
// Only the credential retrieval runs: nothing is signed, no AWS service is
// contacted.
//
// Fields: version is aws.SDKVersion; role is always null (the SDK does not
// report it); expiration is what Credentials.ExpiresAt() gives, in UTC, null
// when the credentials do not expire and always null for chain (the v1
// ChainProvider does not expose it); error is err.Error(), the message the
// SDK's users see; error_type is the awserr code (the "Code:" the message
// starts with, e.g. EC2RoleRequestError) or else the error's Go type; ms is
// the wall time of the resolution (session creation included).
//
// error_verbose (extra field, go-v1 only): by default the v1 chain replaces
// every provider's error with the fixed ErrNoValidProvidersFoundInChain. The
// probe builds the session with CredentialsChainVerboseErrors(true), which
// changes nothing but the chain's error, reports the default message in
// error (exactly the error the chain returns without the flag) and the
// verbose one, naming each provider's failure, in error_verbose. One
// retrieval, so the mock sees the requests an application makes. It is null
// for imds and container and whenever the chain did not fail.
//
// Safety (safety.go): the probe refuses to run when an endpoint variable
// names a host other than loopback, when AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
// is set, when imds/chain would fall back to the default IMDS address, or when
// chain would call STS. Outside a namespace http.DefaultTransport, which every
// v1 client here uses, also refuses non-loopback connections and DNS queries,
// and uses no proxy. METAMOCK_PROBE_IN_NETNS=1 lifts all of that but the STS
// check, inside a namespace the caller created.
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
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go/aws/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go/aws/defaults"
	"github.com/aws/aws-sdk-go/aws/ec2metadata"
	"github.com/aws/aws-sdk-go/aws/session"
)

const (
	probeName    = "go-v1-probe"
	probeTimeout = 30 * time.Second
)

// result is the JSON line; field order is the contract's, plus error_type as
// the other probes print it and error_verbose.
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
	ErrorVerbose    *string `json:"error_verbose"`
	MS              int64   `json:"ms"`
}

// guardDefaultTransport replaces http.DefaultTransport (which the v1
// session's http.DefaultClient and the ec2metadata client both use) with a
// copy whose dialer refuses non-loopback connections and DNS queries and
// which uses no proxy. Go never proxies loopback targets, and the dialer
// keeps net/http's default timeouts, so for the addresses the probe may
// reach nothing changes.
func guardDefaultTransport() {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	guardDialer(d)
	tr.DialContext = d.DialContext
	tr.Proxy = nil
	http.DefaultTransport = tr
}

// chainError reports whether err is the verbose chain's "no valid providers"
// error, which the chain returns as ErrNoValidProvidersFoundInChain when
// CredentialsChainVerboseErrors is off.
func chainError(err error) bool {
	batch, ok := err.(awserr.BatchedErrors)
	return ok && batch.Code() == credentials.ErrNoValidProvidersFoundInChain.Code()
}

// retrieval is what one credential retrieval gave.
type retrieval struct {
	value   credentials.Value
	expires time.Time // zero when unknown or when the credentials never expire
	err     error     // the error users see
	verbose error     // chain only: the verbose chain error, else nil
}

func retrieve(ctx context.Context, provider string) retrieval {
	// session.NewSession() as an application calls it; for chain, with verbose
	// chain errors (see error_verbose in the file comment).
	var cfgs []*aws.Config
	if provider == providerChain {
		cfgs = append(cfgs, aws.NewConfig().WithCredentialsChainVerboseErrors(true))
	}
	sess, err := session.NewSession(cfgs...)
	if err != nil {
		return retrieval{err: err}
	}
	var creds *credentials.Credentials
	switch provider {
	case providerChain:
		creds = sess.Config.Credentials
	case providerIMDS:
		creds = credentials.NewCredentials(&ec2rolecreds.EC2RoleProvider{Client: ec2metadata.New(sess)})
	case providerContainer:
		creds = endpointcreds.NewCredentialsClient(*sess.Config, defaults.Handlers(), os.Getenv(envFullURI),
			func(p *endpointcreds.Provider) {
				if token := os.Getenv(envAuthToken); token != "" {
					p.AuthorizationToken = token
				}
			})
	default:
		return retrieval{err: fmt.Errorf("unknown provider %q", provider)}
	}
	v, err := creds.GetWithContext(ctx)
	if err != nil {
		if provider == providerChain && chainError(err) {
			return retrieval{err: credentials.ErrNoValidProvidersFoundInChain, verbose: err}
		}
		return retrieval{err: err}
	}
	r := retrieval{value: v}
	if expires, err := creds.ExpiresAt(); err == nil {
		r.expires = expires
	}
	return r
}

func strPtr(s string) *string { return &s }

// errorType is the error_type field for an SDK error (see the file comment).
func errorType(err error) string {
	if aerr, ok := err.(awserr.Error); ok && aerr.Code() != "" {
		return aerr.Code()
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
	if !inNetns(os.LookupEnv) {
		guardDefaultTransport()
	}

	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	start := time.Now()
	got := retrieve(ctx, *provider)
	ms := time.Since(start).Milliseconds()
	if refused := guardRefusals.list(); len(refused) > 0 {
		return refuse("ProbeUnsafeEnvironment", "refused: the SDK tried to make "+
			strings.Join(refused, ", ")+" (only loopback is allowed)", ms)
	}

	r := result{SDK: sdkName, Version: aws.SDKVersion, Provider: provider, MS: ms}
	if got.err != nil {
		r.Outcome = "error"
		r.Error = strPtr(got.err.Error())
		r.ErrorType = strPtr(errorType(got.err))
		if got.verbose != nil {
			r.ErrorVerbose = strPtr(got.verbose.Error())
		}
	} else {
		r.Outcome = "credentials"
		id := got.value.AccessKeyID
		prefix := id
		if len(prefix) > 8 {
			prefix = prefix[:8]
		}
		sum := sha256.Sum256([]byte(id))
		r.AccessKeyPrefix = strPtr(prefix)
		r.AccessKeySHA256 = strPtr(hex.EncodeToString(sum[:]))
		if !got.expires.IsZero() {
			r.Expiration = strPtr(got.expires.UTC().Format(time.RFC3339))
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

// sdkName is this build's "sdk" field (build tag sdkv1).
const sdkName = "go-v1"
