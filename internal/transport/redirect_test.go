package transport

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// target records every request that reaches it: none may.
func target(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		t.Errorf("credentials reached the redirect target: Authorization=%q", r.Header.Get("Authorization"))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func redirector(to string, tls bool) *httptest.Server {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to+r.URL.Path, http.StatusTemporaryRedirect)
	})
	if tls {
		return httptest.NewTLSServer(h)
	}
	return httptest.NewServer(h)
}

// Neither an https→http downgrade nor a cross-host 307 delivers the Bearer
// token or a password-grant body; the error names the redirect target.
func TestCredentialsNeverFollowARedirect(t *testing.T) {
	for _, tc := range []struct {
		name string
		tls  bool
	}{{"https to http", true}, {"cross-host", false}} {
		t.Run(tc.name, func(t *testing.T) {
			dst, hits := target(t)
			src := redirector(dst.URL, tc.tls)
			defer src.Close()
			c, err := New(Options{Timeout: 2 * time.Second, MaxRetries: 2, RetryWaitMin: time.Millisecond, InsecureSkipVerify: tc.tls})
			if err != nil {
				t.Fatal(err)
			}
			for _, send := range []func() (*http.Response, error){
				func() (*http.Response, error) { // admin API call
					req, _ := http.NewRequest(http.MethodGet, src.URL+"/admin/realms/dash/users", nil)
					req.Header.Set("Authorization", "Bearer secret-token")
					return c.StandardClient().Do(req)
				},
				func() (*http.Response, error) { // token endpoint, password grant
					return c.StandardClient().Post(src.URL+"/realms/master/protocol/openid-connect/token", "application/x-www-form-urlencoded",
						strings.NewReader("grant_type=password&username=admin&password=secret-password"))
				},
			} {
				resp, err := send()
				if resp != nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
				}
				var re *RedirectError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), dst.URL) {
					t.Fatalf("want a redirect refusal naming %s, got %v", dst.URL, err)
				}
			}
			if hits.Load() != 0 {
				t.Fatalf("%d request(s) reached the redirect target", hits.Load())
			}
		})
	}
}

// A response body larger than the bound is an error, not read to the end;
// one of exactly the bound is read whole.
func TestResponseSizeIsBounded(t *testing.T) {
	body := strings.Repeat("x", 1000)
	for _, chunked := range []bool{false, true} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if chunked {
				w.(http.Flusher).Flush() // no Content-Length: the limit applies while reading
			}
			_, _ = io.WriteString(w, body)
		}))
		c, err := New(Options{Timeout: 2 * time.Second, MaxResponseBytes: 999})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.StandardClient().Get(srv.URL)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			_ = resp.Body.Close()
		}
		var tl *TooLargeError
		if !errors.As(err, &tl) {
			t.Fatalf("chunked=%v: want TooLargeError, got %v", chunked, err)
		}
		exact, _ := New(Options{Timeout: 2 * time.Second, MaxResponseBytes: 1000})
		resp, err = exact.StandardClient().Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil || len(got) != 1000 {
			t.Fatalf("chunked=%v: a body of exactly the bound must be read whole: %d bytes, %v", chunked, len(got), err)
		}
		srv.Close()
	}
}
