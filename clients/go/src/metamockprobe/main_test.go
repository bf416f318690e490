package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// runRefusal runs the probe, expects a refusal and returns its JSON line.
func runRefusal(t *testing.T, args ...string) map[string]interface{} {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 2 {
		t.Fatalf("run(%q) = %d, want 2", args, code)
	}
	if !strings.HasPrefix(stderr.String(), probeName+": ") {
		t.Errorf("stderr = %q, want the message", stderr.String())
	}
	if strings.Count(stdout.String(), "\n") != 1 {
		t.Fatalf("stdout = %q, want one line", stdout.String())
	}
	var line map[string]interface{}
	if err := json.Unmarshal(stdout.Bytes(), &line); err != nil {
		t.Fatalf("stdout %q: %v", stdout.String(), err)
	}
	if line["sdk"] != sdkName || line["outcome"] != "error" || line["ms"] != 0.0 {
		t.Errorf("line = %v", line)
	}
	return line
}

func TestUsage(t *testing.T) {
	line := runRefusal(t)
	if line["error_type"] != "ProbeUsageError" || line["provider"] != nil {
		t.Errorf("line = %v", line)
	}
	line = runRefusal(t, "fromHttp")
	if line["error_type"] != "ProbeUsageError" || line["provider"] != "fromHttp" {
		t.Errorf("line = %v", line)
	}
}

func TestUnsafeEnvironment(t *testing.T) {
	t.Setenv(envInNetns, "")
	t.Setenv(envIMDSEndpoint, "http://127.0.0.1:1/")
	t.Setenv(envRelativeURI, "/v2/credentials/x")
	line := runRefusal(t, "imds")
	if line["error_type"] != "ProbeUnsafeEnvironment" || line["provider"] != "imds" ||
		!strings.Contains(line["error"].(string), envRelativeURI) {
		t.Errorf("line = %v", line)
	}
}
