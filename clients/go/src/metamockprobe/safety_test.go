// Both probes carry this file byte for byte, like safety.go.

package main

import (
	"context"
	"net"
	"strings"
	"testing"
)

func env(vars map[string]string) lookupEnvFunc {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func TestIsLoopbackURL(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://127.0.0.1:1338/":           true,
		"http://localhost:1338":            true,
		"http://LOCALHOST:1338":            true,
		"http://[::1]:1338/v2/credentials": true,
		"http://127.0.0.2:1338/":           false,
		"http://10.0.0.1/":                 false,
		"http://127.0.0.1@example.com/":    false,
		"http://example.com/?h=127.0.0.1":  false,
		"127.0.0.1:1338":                   false,
		"":                                 false,
		"http://%zz":                       false,
	} {
		if got := isLoopbackURL(raw); got != want {
			t.Errorf("isLoopbackURL(%q) = %v, want %v", raw, got, want)
		}
	}
}

func TestCheckEnvironment(t *testing.T) {
	const imds = "http://127.0.0.1:1/"
	const full = "http://127.0.0.1:1/v2/credentials/x"
	cases := []struct {
		name     string
		provider string
		vars     map[string]string
		refuse   string // substring of the refusal, "" when allowed
	}{
		{"imds on loopback", "imds", map[string]string{envIMDSEndpoint: imds}, ""},
		{"imds default address", "imds", map[string]string{}, envIMDSEndpoint},
		{"imds empty endpoint", "imds", map[string]string{envIMDSEndpoint: ""}, envIMDSEndpoint},
		{"imds disabled", "imds", map[string]string{envIMDSDisabled: "true"}, ""},
		{"imds disabled, other case", "imds", map[string]string{envIMDSDisabled: "TRUE"}, ""},
		{"imds disabled, not true", "imds", map[string]string{envIMDSDisabled: "1"}, envIMDSEndpoint},
		{"imds elsewhere", "imds", map[string]string{envIMDSEndpoint: "http://192.0.2.1/"}, "does not name"},
		{"chain on loopback", "chain", map[string]string{envIMDSEndpoint: imds}, ""},
		{"chain container path", "chain", map[string]string{envFullURI: full, envIMDSDisabled: "true"}, ""},
		{"chain container path, IMDS on", "chain", map[string]string{envFullURI: full}, envIMDSEndpoint},
		{"chain full URI elsewhere", "chain", map[string]string{envIMDSEndpoint: imds, envFullURI: "http://192.0.2.1/x"}, "does not name"},
		{"relative URI", "chain", map[string]string{envIMDSEndpoint: imds, envRelativeURI: "/v2/credentials/x"}, envRelativeURI},
		{"relative URI, empty", "container", map[string]string{envFullURI: full, envRelativeURI: ""}, envRelativeURI},
		{"container", "container", map[string]string{envFullURI: full}, ""},
		{"container without URI", "container", map[string]string{envIMDSEndpoint: imds}, envFullURI},
		{"container elsewhere", "container", map[string]string{envFullURI: "http://192.0.2.1/x"}, "does not name"},
		{"web identity", "chain", map[string]string{envIMDSEndpoint: imds, envWebIdentity: "/tmp/t"}, envWebIdentity},
		{"role ARN", "chain", map[string]string{envIMDSEndpoint: imds, envRoleARN: "arn:aws:iam::123456789012:role/x"}, envRoleARN},
		{"netns, role ARN", "chain", map[string]string{envInNetns: "1", envRoleARN: "arn:aws:iam::123456789012:role/x"}, envRoleARN},
		{"web identity, imds", "imds", map[string]string{envIMDSEndpoint: imds, envWebIdentity: "/tmp/t"}, ""},
		{"netns, defaults", "chain", map[string]string{envInNetns: "1"}, ""},
		{"netns, relative URI", "chain", map[string]string{envInNetns: "1", envRelativeURI: "/v2/credentials/x"}, ""},
		{"netns flag not 1", "chain", map[string]string{envInNetns: "yes"}, envIMDSEndpoint},
		{"netns, container without URI", "container", map[string]string{envInNetns: "1"}, envFullURI},
	}
	for _, c := range cases {
		err := checkEnvironment(c.provider, env(c.vars))
		switch {
		case c.refuse == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.refuse != "" && err == nil:
			t.Errorf("%s: allowed, want a refusal naming %q", c.name, c.refuse)
		case c.refuse != "" && !strings.Contains(err.Error(), c.refuse):
			t.Errorf("%s: refusal %q does not name %q", c.name, err, c.refuse)
		}
	}
}

func TestGuardDialer(t *testing.T) {
	var d net.Dialer
	guardDialer(&d)
	for address, allowed := range map[string]bool{
		"127.0.0.1:80":     true,
		"127.9.9.9:80":     true,
		"[::1]:80":         true,
		"192.0.2.1:80":     false,
		"[2001:db8::1]:80": false,
		"nonsense":         false,
	} {
		if err := d.Control("tcp", address, nil); (err == nil) != allowed {
			t.Errorf("Control(%q) = %v, want allowed=%v", address, err, allowed)
		}
	}
	if _, err := d.Resolver.Dial(context.Background(), "udp", "192.0.2.53:53"); err == nil {
		t.Errorf("the resolver's Dial did not refuse")
	}
	d.Resolver.Dial(context.Background(), "udp", "192.0.2.53:53")
	got := guardRefusals.list()
	if len(got) != 4 || got[3] != "a DNS query to 192.0.2.53:53 (2 times)" {
		t.Errorf("guardRefusals = %q, want the 3 refused connections and the DNS query twice", got)
	}
}
