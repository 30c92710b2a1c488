package acctest

import (
	"bytes"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Fault is what the proxy does with one request.
type Fault struct {
	// Status, if set, is answered instead of forwarding (with RetryAfter seconds if > 0).
	Status     int
	RetryAfter int
	// Reset closes the connection without answering, before forwarding.
	Reset bool
	// ResetAfterForward forwards the request, then closes the connection without answering (a lost answer).
	ResetAfterForward bool
	// Delay waits before forwarding.
	Delay time.Duration
	// Wait, if set, is called before forwarding, outside the decision lock: a
	// test holds a request until something else has happened.
	Wait func()
}

func (f Fault) injected() bool {
	return f.Status != 0 || f.RetryAfter != 0 || f.Reset || f.ResetAfterForward || f.Delay != 0 || f.Wait != nil
}

// Request is what a fault decision sees of a request.
type Request struct {
	Method, Path, Query, Body string
}

// perUserPath matches Keycloak admin calls about one user: /users/{id} and below.
var perUserPath = regexp.MustCompile(`/users/[0-9a-f-]{36}`)

// PerUser reports whether the request is about one user: /users/{id}/... or a
// lookup by username. A refresh should make none.
func (r *Request) PerUser() bool {
	if perUserPath.MatchString(r.Path) {
		return true
	}
	q, _ := url.ParseQuery(r.Query)
	return strings.HasSuffix(r.Path, "/users") && q.Get("username") != ""
}

// PlatformToken reports whether the request obtains a platform API token
// (realm dash): it serves the platform API, not Keycloak's admin API.
func (r *Request) PlatformToken() bool {
	return strings.TrimPrefix(r.Path, KeycloakPath) == "/realms/dash/protocol/openid-connect/token"
}

// FaultProxy is a loopback reverse proxy that counts requests and injects faults.
type FaultProxy struct {
	URL string
	// Requests counts forwarded and faulted requests; Faults counts injected faults.
	Requests, Faults atomic.Int64
	// PerUser and PlatformTokens count the requests Request.PerUser and
	// Request.PlatformToken recognise (a refresh should make no per-user request).
	PerUser, PlatformTokens atomic.Int64

	mu       sync.Mutex
	decideMu sync.Mutex
	decide   func(n int64, r *Request) Fault
	byPath   map[string]int
	latency  time.Duration
}

// NewFaultProxy serves a proxy to target on a loopback port until the test ends.
func NewFaultProxy(t *testing.T, target string) *FaultProxy {
	t.Helper()
	p, stop, err := StartFaultProxy(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return p
}

// StartFaultProxy serves a proxy to target on a loopback port until stop is called.
func StartFaultProxy(target string) (p *FaultProxy, stop func(), err error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, nil, err
	}
	p = &FaultProxy{byPath: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second}
	// Keep the Host header of the target: Keycloak's issuer follows its fixed hostname anyway.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.serve(rp, w, r) })}
	go func() { _ = srv.Serve(ln) }()
	p.URL = "http://" + ln.Addr().String()
	return p, func() { _ = srv.Close() }, nil
}

// serve counts a request, asks the test's decision, and injects its fault or forwards it.
func (p *FaultProxy) serve(rp *httputil.ReverseProxy, w http.ResponseWriter, r *http.Request) {
	n := p.Requests.Add(1)
	seen := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	if seen.PerUser() {
		p.PerUser.Add(1)
	}
	if seen.PlatformToken() {
		p.PlatformTokens.Add(1)
	}
	p.mu.Lock()
	p.byPath[r.URL.Path]++
	decide, latency := p.decide, p.latency
	p.mu.Unlock()
	if latency > 0 {
		time.Sleep(latency)
	}
	var f Fault
	if decide != nil {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		// Decisions run one at a time, so tests may keep plain state in them.
		p.decideMu.Lock()
		seen.Body = string(body)
		f = decide(n, &seen)
		p.decideMu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if f.injected() {
		p.Faults.Add(1)
	}
	if f.Delay > 0 {
		time.Sleep(f.Delay)
	}
	if f.Wait != nil {
		f.Wait()
	}
	switch {
	case f.Reset:
		hijackClose(w)
		return
	case f.Status != 0:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		w.WriteHeader(f.Status)
		return
	case f.ResetAfterForward:
		rp.ServeHTTP(&discard{header: http.Header{}}, r)
		hijackClose(w)
		return
	}
	rp.ServeHTTP(w, r)
}

// SetFaults installs the fault decision (nil forwards everything).
func (p *FaultProxy) SetFaults(decide func(n int64, r *Request) Fault) {
	p.mu.Lock()
	p.decide = decide
	p.mu.Unlock()
}

// SetLatency delays every request.
func (p *FaultProxy) SetLatency(d time.Duration) {
	p.mu.Lock()
	p.latency = d
	p.mu.Unlock()
}

// Count returns how many requests had a path containing substr.
func (p *FaultProxy) Count(substr string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for path, c := range p.byPath {
		if strings.Contains(path, substr) {
			n += c
		}
	}
	return n
}

// ResetCounts zeroes the counters.
func (p *FaultProxy) ResetCounts() {
	p.mu.Lock()
	p.byPath = map[string]int{}
	p.mu.Unlock()
	p.Requests.Store(0)
	p.Faults.Store(0)
	p.PerUser.Store(0)
	p.PlatformTokens.Store(0)
}

func hijackClose(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

type discard struct{ header http.Header }

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// Paths returns the request count per path.
func (p *FaultProxy) Paths() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.byPath)
}

// ForwardProxy is a loopback HTTP forward proxy (what HTTP_PROXY or
// HTTPS_PROXY points at) for hostnames that exist only here: it maps each to a
// loopback target, counts the requests it carried and records their User-Agent.
// Go never sends requests for loopback addresses through a proxy, so tests
// address the servers by these names.
type ForwardProxy struct {
	URL string

	mu         sync.Mutex
	carried    map[string]int // by hostname
	userAgents map[string]int
}

// NewForwardProxy serves a forward proxy until the test ends; hosts maps a
// made-up host:port to the origin it stands for (http://127.0.0.1:port).
func NewForwardProxy(t *testing.T, hosts map[string]string) *ForwardProxy {
	t.Helper()
	p := &ForwardProxy{carried: map[string]int{}, userAgents: map[string]int{}}
	targets := map[string]*httputil.ReverseProxy{}
	for host, origin := range hosts {
		u, err := url.Parse(origin)
		if err != nil {
			t.Fatal(err)
		}
		targets[host] = httputil.NewSingleHostReverseProxy(u)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rp, ok := targets[r.URL.Host]
		if !ok || !r.URL.IsAbs() {
			http.Error(w, "not a proxied host: "+r.URL.Host, http.StatusBadGateway)
			return
		}
		p.mu.Lock()
		p.carried[r.URL.Host]++
		p.userAgents[r.Header.Get("User-Agent")]++
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	p.URL = "http://" + ln.Addr().String()
	return p
}

// Carried returns how many requests the proxy carried to a host.
func (p *ForwardProxy) Carried(host string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.carried[host]
}

// UserAgents returns the User-Agent headers of the requests carried, with their counts.
func (p *ForwardProxy) UserAgents() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.userAgents)
}
