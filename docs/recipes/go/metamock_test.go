// Package example shows how Go tests can run metamock and point the AWS SDK
// for Go v2 at it. Copy this file next to your tests.
//
// StartMetamock starts `metamock --listen 127.0.0.1:0 --scenario NAME` (the
// binary from $METAMOCK, or metamock on PATH), reads the port from its first
// stdout line (`listening on http://127.0.0.1:PORT`), and stops it with
// SIGTERM when the test ends. PointSDKAt sets the environment from
// GET /_metamock/env for the duration of the test (t.Setenv restores it):
//
//	m := StartMetamock(t, "healthy")
//	m.PointSDKAt(t, "ec2")
//	creds, err := ec2rolecreds.New().Retrieve(ctx)
//	m.Call(t, "POST", "clock", map[string]string{"advance": "61m"})
//
// The environment follows metamock's safety rule, so that nothing can reach
// a real metadata endpoint or AWS: every AWS_* variable is unset, then only
// loopback URLs from /_metamock/env are set (AWS_EC2_METADATA_SERVICE_ENDPOINT
// with its trailing slash, or AWS_CONTAINER_CREDENTIALS_FULL_URI; never
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI), AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE are /dev/null, the region is us-east-1 and
// NO_PROXY is *. For the container paths AWS_EC2_METADATA_DISABLED=true
// keeps the chain from falling through to IMDS. Tests only call a credential
// provider's Retrieve: no client, no signed request, no AWS service.
//
// metamock's stderr (one access-log line per request) goes to the test's
// stderr, never into an unread pipe; stdout is read to the end.
package example

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var listening = regexp.MustCompile(`^listening on (http://127\.0\.0\.1:\d+)\n$`)

// Metamock is a running metamock and the base URL of its listener.
type Metamock struct {
	BaseURL string
}

// StartMetamock starts metamock with a bundled scenario (or a scenario file)
// and stops it when the test ends.
func StartMetamock(t *testing.T, scenario string) *Metamock {
	t.Helper()
	binary := os.Getenv("METAMOCK")
	if binary == "" {
		var err error
		if binary, err = exec.LookPath("metamock"); err != nil {
			t.Fatal("metamock not found: set METAMOCK=/path/to/metamock or put it on PATH")
		}
	}
	cmd := exec.Command(binary, "--listen", "127.0.0.1:0", "--scenario", scenario)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", binary, err)
	}
	firstLine := make(chan string, 1)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		reader := bufio.NewReader(stdout)
		line, _ := reader.ReadString('\n')
		firstLine <- line
		io.Copy(io.Discard, reader) // metamock never blocks on stdout
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-drained: // stdout closes when metamock exits (within 2 s)
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-drained
		}
		cmd.Wait()
	})
	select {
	case line := <-firstLine:
		match := listening.FindStringSubmatch(line)
		if match == nil {
			t.Fatalf("metamock's first line is %q, not 'listening on http://127.0.0.1:PORT'", line)
		}
		return &Metamock{BaseURL: match[1]}
	case <-time.After(10 * time.Second):
		t.Fatal("metamock printed no 'listening on' line within 10 s")
	}
	return nil
}

// loopbackOnly is the HTTP client for the control API: no proxy, no redirect.
var loopbackOnly = &http.Client{
	Timeout:   10 * time.Second,
	Transport: &http.Transport{Proxy: nil},
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// Call sends METHOD /_metamock/PATH with body as JSON (nil: no body) and
// returns the decoded JSON answer; any status but 200 fails the test.
func (m *Metamock) Call(t *testing.T, method, path string, body any) map[string]any {
	t.Helper()
	var payload io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		payload = bytes.NewReader(data)
	}
	request, err := http.NewRequest(method, m.BaseURL+"/_metamock/"+path, payload)
	if err != nil {
		t.Fatal(err)
	}
	request.Header.Set("Content-Type", "application/json")
	response, err := loopbackOnly.Do(request)
	if err != nil {
		t.Fatalf("%s /_metamock/%s: %v", method, path, err)
	}
	defer response.Body.Close()
	data, _ := io.ReadAll(response.Body)
	if response.StatusCode != http.StatusOK {
		t.Fatalf("%s /_metamock/%s: %d %s", method, path, response.StatusCode, data)
	}
	answer := map[string]any{}
	if err := json.Unmarshal(data, &answer); err != nil {
		t.Fatalf("%s /_metamock/%s: %v: %s", method, path, err, data)
	}
	return answer
}

// PointSDKAt replaces the AWS_* environment, for the rest of the test, with
// the variables of GET /_metamock/env?for=WHICH (ec2, ecs or eks) and the
// safe settings.
func (m *Metamock) PointSDKAt(t *testing.T, which string) {
	t.Helper()
	variables := m.Call(t, "GET", "env?for="+which, nil)
	for _, entry := range os.Environ() {
		name, _, _ := strings.Cut(entry, "=")
		if strings.HasPrefix(name, "AWS_") || strings.HasSuffix(strings.ToUpper(name), "_PROXY") {
			t.Setenv(name, "") // restored when the test ends
			os.Unsetenv(name)
		}
	}
	for name, value := range variables {
		text, _ := value.(string)
		if name == "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" {
			t.Fatal("refusing AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: SDKs send it to 169.254.170.2")
		}
		if strings.HasPrefix(text, "http") && !strings.HasPrefix(text, "http://127.0.0.1:") {
			t.Fatalf("refusing a non-loopback %s: %s", name, text)
		}
		t.Setenv(name, text)
	}
	if which != "ec2" {
		t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	}
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_DEFAULT_REGION", "us-east-1")
	t.Setenv("NO_PROXY", "*")
}
