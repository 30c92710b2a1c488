package transport

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// loggingTransport logs every attempt to the subsystem: method, path, status and
// duration at DEBUG; request and response bodies at TRACE, with secrets masked.
// Headers are never logged (they carry the Bearer token).
type loggingTransport struct {
	next      http.RoundTripper
	subsystem string
}

// maxLoggedBody bounds how much of a body is logged at TRACE.
const maxLoggedBody = 4096

// maskWindow is how much of a body is read and masked before it is cut to
// maxLoggedBody: masking first means a secret that straddles the cut is
// masked as a whole, not left half-visible.
const maskWindow = 64 << 10

var secretPatterns = []*regexp.Regexp{
	// JSON: "password": "...", "access_token": "...", credentials' "value", ...
	// An unterminated string (a body cut inside it) is masked to its end.
	regexp.MustCompile(`("(?:password|client_secret|secret|access_token|refresh_token|id_token|value|token)"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|\\?$)`),
	// Form bodies of token requests.
	regexp.MustCompile(`((?:^|&)(?:password|client_secret|refresh_token|assertion|client_assertion)=)[^&]*`),
	// Anything that looks like a JWT, also a cut one.
	regexp.MustCompile(`eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}`),
}

// loggable reads up to maskWindow bytes of a body, masks them and cuts the
// result to maxLoggedBody. It returns the bytes it read, to be handed on.
func loggable(r io.Reader) (read []byte, logged string) {
	read, _ = io.ReadAll(io.LimitReader(r, maskWindow))
	logged = mask(string(read))
	if len(logged) > maxLoggedBody {
		logged = logged[:maxLoggedBody]
	}
	return read, logged
}

// mask replaces secrets in a request or response body with ***.
func mask(body string) string {
	for i, re := range secretPatterns {
		if i == 2 {
			body = re.ReplaceAllString(body, "***")
			continue
		}
		body = re.ReplaceAllString(body, `${1}"***"`)
	}
	return body
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := logContext(req.Context(), t.subsystem)
	fields := map[string]any{"method": req.Method, "path": req.URL.Path}
	if req.Body != nil && req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			_, logged := loggable(body)
			_ = body.Close()
			tflog.SubsystemTrace(ctx, t.subsystem, "request body", map[string]any{"method": req.Method, "path": req.URL.Path, "body": logged})
		}
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		fields["error"] = err.Error()
		tflog.SubsystemDebug(ctx, t.subsystem, "request failed", fields)
		return nil, err
	}
	fields["status"] = resp.StatusCode
	tflog.SubsystemDebug(ctx, t.subsystem, "request", fields)
	if resp.Body != nil {
		// Read a bounded prefix for TRACE and hand the whole body on.
		prefix, logged := loggable(resp.Body)
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(prefix), resp.Body), resp.Body}
		tflog.SubsystemTrace(ctx, t.subsystem, "response body", map[string]any{"method": req.Method, "path": req.URL.Path, "status": resp.StatusCode, "body": logged})
	}
	return resp, nil
}
