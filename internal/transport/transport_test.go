package transport

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// failing serves status for the first n requests, then 200, and counts requests.
func failing(t *testing.T, n int32, status int, retryAfter string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var count atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= n {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(status)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, &count
}

func fastClient(t *testing.T, retries int) *http.Client {
	t.Helper()
	rc, err := New(Options{MaxRetries: retries, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return rc.StandardClient()
}

func TestRetriesRetryableStatuses(t *testing.T) {
	for _, status := range []int{429, 502, 503, 504} {
		srv, count := failing(t, 2, status, "")
		resp, err := fastClient(t, 4).Post(srv.URL+"/admin/realms/dash/users", "application/json", strings.NewReader(`{"a":1}`))
		if err != nil {
			t.Fatalf("%d: %v", status, err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != 200 || count.Load() != 3 {
			t.Errorf("status %d: got %d after %d requests, want 200 after 3", status, resp.StatusCode, count.Load())
		}
	}
}

func TestDoesNotRetryOtherErrors(t *testing.T) {
	for _, status := range []int{400, 401, 404, 409, 500} {
		srv, count := failing(t, 5, status, "")
		resp, err := fastClient(t, 4).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if count.Load() != 1 {
			t.Errorf("status %d was sent %d times", status, count.Load())
		}
	}
}

func TestGivesUpWithAnErrorNamingTheEndpoint(t *testing.T) {
	srv, count := failing(t, 100, 503, "")
	_, err := fastClient(t, 2).Get(srv.URL + "/admin/realms/dash/users?first=0")
	if err == nil {
		t.Fatal("want an error")
	}
	if count.Load() != 3 {
		t.Errorf("requests = %d, want 3 (1 + 2 retries)", count.Load())
	}
	for _, want := range []string{"GET", "/admin/realms/dash/users", "503", "3 attempt"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestHonoursRetryAfter(t *testing.T) {
	srv, count := failing(t, 1, 429, "1")
	start := time.Now()
	resp, err := fastClient(t, 2).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	// The backoff would be a few ms; Retry-After asks for a second.
	if waited := time.Since(start); waited < 900*time.Millisecond || count.Load() != 2 {
		t.Errorf("waited %v over %d requests; Retry-After: 1 not honoured", waited, count.Load())
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{"3": 3 * time.Second, "0": 0, now.Add(5 * time.Second).Format(http.TimeFormat): 5 * time.Second} {
		if got, ok := RetryAfter(in, now); !ok || got != want {
			t.Errorf("RetryAfter(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	if _, ok := RetryAfter("soon", now); ok {
		t.Error("garbage parsed")
	}
	if d := Backoff(time.Millisecond, time.Second, 0, &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"3600"}}}); d != maxRetryAfter {
		t.Errorf("Retry-After not capped: %v", d)
	}
}

func TestRetriesConnectionErrors(t *testing.T) {
	// A server that resets the first connection.
	var count atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) == 1 {
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			_ = conn.Close()
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	resp, err := fastClient(t, 3).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if count.Load() != 2 {
		t.Errorf("requests = %d, want 2", count.Load())
	}
}

func TestCACertFileAddsToSystemRoots(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
	var conns atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the rejected handshake is expected
	srv.StartTLS()
	defer srv.Close()

	// Verification is on by default: the test server's CA is unknown. A
	// certificate error is final, so the 3 retries allowed here are not used.
	if _, err := fastClient(t, 3).Get(srv.URL); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("want a certificate error by default, got %v", err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("a TLS verification failure was tried %d times; want 1 (not retried)", n)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	der := srv.Certificate().Raw
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	rc, err := New(Options{CACertFile: caFile, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rc.StandardClient().Get(srv.URL)
	if err != nil {
		t.Fatalf("with ca_cert_file: %v", err)
	}
	_ = resp.Body.Close()

	cfg, err := tlsConfig(Options{CACertFile: caFile})
	if err != nil {
		t.Fatal(err)
	}
	sys, _ := x509.SystemCertPool()
	if sys != nil && len(cfg.RootCAs.Subjects()) <= len(sys.Subjects()) { //nolint:staticcheck // counting is enough here
		t.Error("ca_cert_file replaced the system roots instead of adding to them")
	}
	if cfg.InsecureSkipVerify || cfg.MinVersion < tls.VersionTLS12 {
		t.Error("unsafe TLS defaults")
	}
	if _, err := tlsConfig(Options{CACertFile: filepath.Join(t.TempDir(), "missing.pem")}); err == nil {
		t.Error("missing ca_cert_file accepted")
	}
	// The same CA given inline (ca_cert_pem) is trusted too; text that is no certificate is refused.
	inline, err := New(Options{CACertPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = inline.StandardClient().Get(srv.URL)
	if err != nil {
		t.Fatalf("with ca_cert_pem: %v", err)
	}
	_ = resp.Body.Close()
	if _, err := tlsConfig(Options{CACertPEM: "not a certificate"}); err == nil {
		t.Error("ca_cert_pem without a certificate accepted")
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		`{"access_token":"eyJhbGciOi.eyJzdWIi.sig","expires_in":300}`:            `{"access_token":"***","expires_in":300}`,
		`grant_type=password&username=admin&password=s3cr%26t&client_id=x`:       `grant_type=password&username=admin&password="***"&client_id=x`,
		`client_id=terraform&client_secret=terraform-secret`:                     `client_id=terraform&client_secret="***"`,
		`{"credentials":[{"type":"password","value":"hunter2"}]}`:                `{"credentials":[{"type":"password","value":"***"}]}`,
		`{"query":"mutation { addCoOwners }","variables":{"app":"sales"}}`:       `{"query":"mutation { addCoOwners }","variables":{"app":"sales"}}`,
		`Bearer eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3OTV9.c2lnbmF0dXJl in a message`: `Bearer *** in a message`,
	} {
		if got := mask(in); got != want {
			t.Errorf("Mask(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}
