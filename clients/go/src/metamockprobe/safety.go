// Safety checks shared in spirit with every metamock probe (DESIGN.md,
// "Safety rule"): the probe refuses to run when an SDK could reach anything
// but loopback, and guards every connection it makes.
//
// Both probes are built from this directory: main_v1.go (build tag sdkv1)
// and main_v2.go (sdkv2) share this file and the tests.

package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"syscall"
)

// Environment variables the SDKs read to find a credential endpoint.
const (
	envIMDSEndpoint   = "AWS_EC2_METADATA_SERVICE_ENDPOINT"
	envIMDSDisabled   = "AWS_EC2_METADATA_DISABLED"
	envFullURI        = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
	envRelativeURI    = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
	envAuthToken      = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
	envWebIdentity    = "AWS_WEB_IDENTITY_TOKEN_FILE"
	envRoleARN        = "AWS_ROLE_ARN"
	envInNetns        = "METAMOCK_PROBE_IN_NETNS"
	providerChain     = "chain"
	providerIMDS      = "imds"
	providerContainer = "container"
)

// lookupEnvFunc is os.LookupEnv's signature, so tests can pass a map.
type lookupEnvFunc func(string) (string, bool)

// inNetns reports whether the caller says the probe runs inside a network
// namespace it created (only `lo` exists), where the default addresses are
// the namespace's own and every check below is unnecessary.
func inNetns(lookup lookupEnvFunc) bool {
	v, _ := lookup(envInNetns)
	return v == "1"
}

// isLoopbackURL reports whether raw is a URL whose host is 127.0.0.1,
// localhost or [::1].
func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Hostname()) {
	case "127.0.0.1", "localhost", "::1":
		return true
	}
	return false
}

// checkEnvironment returns why the probe must not run with this environment
// and provider, or nil when it may. Outside a namespace:
//   - AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be unset (SDKs resolve it
//     against the ECS agent's link-local address);
//   - AWS_EC2_METADATA_SERVICE_ENDPOINT and AWS_CONTAINER_CREDENTIALS_FULL_URI,
//     when set, must name a loopback host;
//   - for imds and chain, either the IMDS endpoint is set or
//     AWS_EC2_METADATA_DISABLED is "true" in any case, as both Go SDKs read it
//     (otherwise the SDK would use its default IMDS address).
//
// In every case the container provider needs AWS_CONTAINER_CREDENTIALS_FULL_URI,
// and for chain AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN must be unset (the
// chain would call STS, an AWS service).
func checkEnvironment(provider string, lookup lookupEnvFunc) error {
	fullURI, _ := lookup(envFullURI)
	if provider == providerContainer && fullURI == "" {
		return fmt.Errorf("the container provider needs %s", envFullURI)
	}
	if provider == providerChain {
		for _, name := range []string{envWebIdentity, envRoleARN} {
			if _, set := lookup(name); set {
				return fmt.Errorf("%s is set: the chain would call STS (an AWS service)", name)
			}
		}
	}
	if inNetns(lookup) {
		return nil
	}
	if _, set := lookup(envRelativeURI); set {
		return fmt.Errorf("%s is set; SDKs would send it to the ECS agent's default address (allowed only with %s=1)", envRelativeURI, envInNetns)
	}
	for _, name := range []string{envIMDSEndpoint, envFullURI} {
		if v, _ := lookup(name); v != "" && !isLoopbackURL(v) {
			return fmt.Errorf("%s=%q does not name 127.0.0.1, localhost or [::1]", name, v)
		}
	}
	if provider == providerIMDS || provider == providerChain {
		endpoint, _ := lookup(envIMDSEndpoint)
		disabled, _ := lookup(envIMDSDisabled)
		if endpoint == "" && !strings.EqualFold(disabled, "true") {
			return fmt.Errorf("%s is unset, so the SDK would use its default IMDS address; set it to a loopback URL, or set %s=true", envIMDSEndpoint, envIMDSDisabled)
		}
	}
	return nil
}

// refusals records what the connection guard refused. This type is
// thread-safe (the SDKs dial from their own goroutines).
type refusals struct {
	mu   sync.Mutex
	what []string // "a connection to ADDRESS" / "a DNS query to ADDRESS"
}

func (r *refusals) add(what string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.what = append(r.what, what)
	return fmt.Errorf("metamock probe guard: refused %s (only loopback is allowed)", what)
}

// list returns what was refused so far, each once, in order, with
// " (N times)" appended when it was refused more than once.
func (r *refusals) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var order []string
	count := map[string]int{}
	for _, what := range r.what {
		if count[what] == 0 {
			order = append(order, what)
		}
		count[what]++
	}
	for i, what := range order {
		if n := count[what]; n > 1 {
			order[i] = fmt.Sprintf("%s (%d times)", what, n)
		}
	}
	return order
}

// guardRefusals is what every guarded dialer of this process refused.
var guardRefusals refusals

// guardDialer makes *d refuse every connection to an address that is not
// loopback, and every DNS query (names resolve from /etc/hosts only), and
// record each refusal in guardRefusals. Control runs before connect(), so a
// refused connection sends nothing. The SDK's requests keep their own
// timeouts; only where they may connect changes.
func guardDialer(d *net.Dialer) {
	d.Control = func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return guardRefusals.add("a connection to " + address)
		}
		return nil
	}
	d.Resolver = &net.Resolver{
		PreferGo: true,
		Dial: func(_ context.Context, network, address string) (net.Conn, error) {
			return nil, guardRefusals.add("a DNS query to " + address)
		},
	}
}
