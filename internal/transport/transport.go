// Package transport builds the retrying HTTP client shared by the Keycloak and
// platform API clients: TLS from the system roots plus an optional CA file,
// bounded retries with backoff that honours Retry-After, and tflog request logs.
package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Options configures the shared HTTP client.
type Options struct {
	// CACertFile is a PEM file whose certificates are added to the system roots.
	CACertFile string
	// CACertPEM holds PEM certificates added to the system roots (for runners
	// such as Terraform Cloud agents, where writing a file is awkward).
	CACertPEM string
	// InsecureSkipVerify disables TLS verification (for test installations only).
	InsecureSkipVerify bool
	// Timeout bounds each attempt of a request.
	Timeout time.Duration
	// MaxRetries is how many times a failed request is retried.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff.
	RetryWaitMin, RetryWaitMax time.Duration
	// Subsystem names the tflog subsystem requests are logged to.
	Subsystem string
	// MaxResponseBytes bounds a response body (DefaultMaxResponseBytes when 0).
	MaxResponseBytes int64
	// UserAgent is sent on every request (Go's default when empty), so that
	// the servers' logs attribute each change to the provider.
	UserAgent string
}

// UserAgent is the provider's User-Agent: its name and version, and
// Terraform's version when Terraform told it.
func UserAgent(providerVersion, terraformVersion string) string {
	ua := "terraform-provider-dashenterprise/" + providerVersion + " (+https://registry.terraform.io/providers/plotly-community/dashenterprise)"
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}

// userAgentTransport sets the User-Agent of every request, whatever a library
// (gocloak's resty) set before.
type userAgentTransport struct {
	next http.RoundTripper
	ua   string
}

func (t *userAgentTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("User-Agent", t.ua)
	return t.next.RoundTrip(req)
}

// defaultMaxResponseBytes bounds every response body: far above the largest
// answer we read (a partial export of a large realm), far below what could
// exhaust the machine running terraform.
const defaultMaxResponseBytes = 256 << 20

// RedirectError is returned instead of following a redirect: requests carry
// Bearer tokens and password-grant bodies, which must never reach another
// host or travel over plain HTTP, so no redirect is followed.
type RedirectError struct {
	From, To string
	Status   int
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s answered %d with a redirect to %s; the provider never follows redirects with credentials: "+
		"if that is the right server, use its address in the provider settings (url, keycloak_url, keycloak_base_path)", e.From, e.Status, e.To)
}

func refuseRedirect(req *http.Request, via []*http.Request) error {
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	return &RedirectError{From: redact(via[len(via)-1].URL), To: redact(req.URL), Status: status}
}

// limitTransport fails a response whose body is larger than max instead of reading it all.
type limitTransport struct {
	next http.RoundTripper
	max  int64
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	if resp.ContentLength > t.max {
		_ = resp.Body.Close()
		return nil, &TooLargeError{URL: redact(req.URL), Max: t.max}
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.max, url: redact(req.URL), max: t.max}
	return resp, nil
}

// TooLargeError means a response body exceeded the bound.
type TooLargeError struct {
	URL string
	Max int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the answer of %s is larger than %d MiB; refusing to read it", e.URL, e.Max>>20)
}

type limitedBody struct {
	rc        io.ReadCloser
	left, max int64
	url       string
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more than allowed tells a body of exactly max bytes from a longer one.
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, &TooLargeError{URL: b.url, Max: b.max}
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// maxRetryAfter caps a server's Retry-After so a bad header cannot stall an apply.
const maxRetryAfter = 60 * time.Second

// tlsConfig returns the TLS configuration for opts: system roots plus CACertFile.
func tlsConfig(opts Options) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: opts.InsecureSkipVerify} //nolint:gosec // opt-in, warned about by the provider
	if opts.CACertFile == "" && opts.CACertPEM == "" {
		return cfg, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if opts.CACertFile != "" {
		pem, err := os.ReadFile(opts.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("reading ca_cert_file %q: %w", opts.CACertFile, err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_cert_file %q contains no PEM certificate", opts.CACertFile)
		}
	}
	if opts.CACertPEM != "" && !pool.AppendCertsFromPEM([]byte(opts.CACertPEM)) {
		return nil, fmt.Errorf("ca_cert_pem contains no PEM certificate (it must hold one or more -----BEGIN CERTIFICATE----- blocks)")
	}
	cfg.RootCAs = pool
	return cfg, nil
}

// New returns a retrying client for opts. Its StandardClient() and
// RoundTripper keep the retries, so hand those to libraries that want an
// *http.Client or http.RoundTripper.
func New(opts Options) (*retryablehttp.Client, error) {
	tlsCfg, err := tlsConfig(opts)
	if err != nil {
		return nil, err
	}
	base := &http.Transport{}
	if def, ok := http.DefaultTransport.(*http.Transport); ok {
		base = def.Clone()
	}
	base.TLSClientConfig = tlsCfg
	base.MaxIdleConnsPerHost = 16

	sub := opts.Subsystem
	if sub == "" {
		sub = "http"
	}
	rc := retryablehttp.NewClient()
	maxBody := opts.MaxResponseBytes
	if maxBody == 0 {
		maxBody = defaultMaxResponseBytes
	}
	// Proxies come from HTTPS_PROXY, HTTP_PROXY and NO_PROXY (the clone of Go's
	// default transport keeps ProxyFromEnvironment).
	var rt http.RoundTripper = &limitTransport{next: &loggingTransport{next: base, subsystem: sub}, max: maxBody}
	if opts.UserAgent != "" {
		rt = &userAgentTransport{next: rt, ua: opts.UserAgent}
	}
	rc.HTTPClient = &http.Client{
		Transport:     rt,
		Timeout:       opts.Timeout,
		CheckRedirect: refuseRedirect,
	}
	rc.RetryMax = opts.MaxRetries
	rc.RetryWaitMin = opts.RetryWaitMin
	rc.RetryWaitMax = opts.RetryWaitMax
	if rc.RetryWaitMin == 0 {
		rc.RetryWaitMin = 250 * time.Millisecond
	}
	if rc.RetryWaitMax == 0 {
		rc.RetryWaitMax = 5 * time.Second
	}
	rc.Logger = nil
	rc.CheckRetry = checkRetry
	rc.Backoff = Backoff
	rc.ErrorHandler = giveUp
	// Retries are logged here; each attempt is logged by loggingTransport.
	rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
		if attempt > 0 {
			tflog.SubsystemWarn(logContext(req.Context(), sub), sub, "retrying request", map[string]any{
				"method": req.Method, "path": req.URL.Path, "attempt": attempt + 1,
			})
		}
	}
	return rc, nil
}

// logContext adds the subsystem logger (TF_LOG_PROVIDER_DASHENTERPRISE_<SUBSYSTEM> sets its level).
func logContext(ctx context.Context, sub string) context.Context {
	if sub == "" {
		sub = "http"
	}
	return tflog.NewSubsystem(ctx, sub, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_DASHENTERPRISE", sub))
}

// retryable reports whether a status code means the request was not processed
// and may be sent again.
func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// checkRetry retries connection errors and 429/502/503/504, never a cancelled
// context, TLS verification failures or malformed URLs.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		if permanent(err) {
			return false, err
		}
		return true, nil
	}
	return retryable(resp.StatusCode), nil
}

func permanent(err error) bool {
	var redirect *RedirectError
	var tooLarge *TooLargeError
	if errors.As(err, &redirect) || errors.As(err, &tooLarge) {
		return true
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var dnsErr *net.DNSError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return true
	}
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return true
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) && urlErr.Err != nil && urlErr.Op == "parse" {
		return true
	}
	return false
}

// Backoff waits for Retry-After when the server sends one (capped), and
// otherwise backs off exponentially between min and max.
func Backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, maxRetryAfter)
		}
	}
	wait := minWait << attempt
	if wait <= 0 || wait > maxWait {
		wait = maxWait
	}
	return wait
}

// RetryAfter parses a Retry-After header given in seconds or as an HTTP date.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// giveUp turns the last failed attempt into an error that names the endpoint.
func giveUp(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if err != nil && permanent(err) {
		if resp != nil {
			_ = resp.Body.Close()
		}
		return nil, err
	}
	if resp != nil {
		_ = resp.Body.Close()
		return nil, fmt.Errorf("%s %s: server answered %s after %d attempt(s); the server is overloaded or unavailable, try again later",
			resp.Request.Method, redact(resp.Request.URL), resp.Status, attempts)
	}
	return nil, fmt.Errorf("request failed after %d attempt(s): %w", attempts, err)
}

func redact(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery = ""
	return c.String()
}
