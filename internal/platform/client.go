package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/grouppath"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/runcache"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/transport"
)

// TokenSource supplies Bearer tokens for the platform API.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	Invalidate()
}

// Client calls the platform API. Methods are safe for concurrent use.
type Client struct {
	endpoint string
	// queries retries like every other request; mutations retry only answers
	// that mean "not processed" (429, 503) and read back after a lost response.
	queries, mutations *retryablehttp.Client
	tokens             TokenSource

	// Run-scoped values, each read once per Client (one terraform command):
	// the apps (dropped on every mutation), users, groups, license, and what
	// the server's schema offers.
	apps    *runcache.Cache[[]App]
	users   *runcache.Cache[[]User]
	groups  *runcache.Cache[[]string]
	license *runcache.Cache[*License]
	compat  *runcache.Cache[*Compatibility]
}

// New returns a client for the GraphQL endpoint; it makes no network call.
func New(endpoint string, base *retryablehttp.Client, tokens TokenSource) *Client {
	m := retryablehttp.NewClient()
	m.HTTPClient = base.HTTPClient
	m.RetryMax, m.RetryWaitMin, m.RetryWaitMax = base.RetryMax, base.RetryWaitMin, base.RetryWaitMax
	m.Backoff, m.ErrorHandler = base.Backoff, base.ErrorHandler
	m.RequestLogHook, m.ResponseLogHook, m.Logger = base.RequestLogHook, base.ResponseLogHook, nil
	m.CheckRetry = func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if err != nil {
			var redirect *transport.RedirectError
			if errors.As(err, &redirect) {
				return false, err // answered with a redirect: not applied
			}
			return false, &outcomeUnknownError{err: err}
		}
		return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable, nil
	}
	return &Client{endpoint: endpoint, queries: base, mutations: m, tokens: tokens, apps: runcache.New[[]App](),
		users: runcache.New[[]User](), groups: runcache.New[[]string](), license: runcache.New[*License](),
		compat: runcache.New[*Compatibility]()}
}

// Endpoint returns the GraphQL URL.
func (c *Client) Endpoint() string { return c.endpoint }

// Error is a GraphQL error of the platform API.
type Error struct {
	Code     string
	Message  string
	Username string
	Group    string // canonical, /Parent/child
	App      string
}

func (e *Error) Error() string {
	if e.Code == "" {
		return e.Message
	}
	return fmt.Sprintf("%s (%s)", e.Message, e.Code)
}

// CodeOf returns the platform error code of err, or "".
func CodeOf(err error) string {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// outcomeUnknownError means a mutation was sent but its answer was lost.
type outcomeUnknownError struct{ err error }

func (e *outcomeUnknownError) Error() string {
	return "the platform's answer was lost: " + e.err.Error()
}
func (e *outcomeUnknownError) Unwrap() error { return e.err }

// isOutcomeUnknown reports whether a mutation may or may not have been applied.
func isOutcomeUnknown(err error) bool {
	var ou *outcomeUnknownError
	return errors.As(err, &ou)
}

type gqlRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code     string `json:"code"`
			Username string `json:"username"`
			Group    string `json:"group"`
			App      string `json:"app"`
		} `json:"extensions"`
	} `json:"errors"`
}

// do sends one of Operations by name; out receives the data object.
func (c *Client) do(ctx context.Context, op string, vars map[string]any, out any) error {
	query, ok := Operations[op]
	if !ok {
		return fmt.Errorf("internal error: no platform operation %q", op)
	}
	comp, err := c.Compatibility(ctx)
	if err != nil {
		return err
	}
	if p := comp.Problems[op]; len(p) > 0 {
		return &IncompatibleError{Endpoint: c.endpoint, Operation: op, Problems: p}
	}
	return c.send(ctx, strings.HasPrefix(query, "mutation"), query, vars, out)
}

// send sends one query; a token the server rejects is renewed once.
func (c *Client) send(ctx context.Context, mutation bool, query string, vars map[string]any, out any) error {
	err := c.sendOnce(ctx, mutation, query, vars, out)
	if CodeOf(err) == CodeUnauthenticated {
		// A token the server no longer accepts (restart, expiry): one fresh try.
		c.tokens.Invalidate()
		err = c.sendOnce(ctx, mutation, query, vars, out)
	}
	return err
}

func (c *Client) sendOnce(ctx context.Context, mutation bool, query string, vars map[string]any, out any) error {
	status, raw, err := c.post(ctx, mutation, query, vars)
	if err != nil {
		return err
	}
	return c.verdict(mutation, status, raw, out)
}

// post sends one GraphQL request and reads the answer's status and body. A
// mutation whose answer was lost is an outcomeUnknownError.
func (c *Client) post(ctx context.Context, mutation bool, query string, vars map[string]any) (status int, raw []byte, err error) {
	token, err := c.tokens.Token(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("obtaining a platform API token: %w", err)
	}
	body, err := json.Marshal(gqlRequest{Query: query, Variables: vars})
	if err != nil {
		return 0, nil, err
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("platform API URL %q: %w", c.endpoint, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	hc := c.queries
	if mutation {
		hc = c.mutations
	}
	resp, err := hc.Do(req)
	if err != nil {
		var redirect *transport.RedirectError
		if mutation && !errors.As(err, &redirect) {
			var ou *outcomeUnknownError
			if !errors.As(err, &ou) {
				err = &outcomeUnknownError{err: err}
			}
		}
		return 0, nil, fmt.Errorf("calling the platform API at %s: %w", c.endpoint, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err = io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		if mutation {
			return 0, nil, fmt.Errorf("reading the platform API answer: %w", &outcomeUnknownError{err: err})
		}
		return 0, nil, fmt.Errorf("reading the platform API answer: %w", err)
	}
	return resp.StatusCode, raw, nil
}

// verdict reads an answer: the data into out, or the error it carries.
func (c *Client) verdict(mutation bool, status int, raw []byte, out any) error {
	// A mutation whose answer cannot be read as a verdict may or may not have
	// been applied: a gateway error (the server may have finished the work),
	// a body that is not GraphQL, data that does not decode.
	unknown := func(err error) error {
		if mutation {
			return &outcomeUnknownError{err: err}
		}
		return err
	}
	var gr gqlResponse
	if err := json.Unmarshal(raw, &gr); err != nil || (gr.Data == nil && len(gr.Errors) == 0) {
		if status == http.StatusUnauthorized {
			// A gateway in front of the API may answer 401 without a GraphQL body.
			return &Error{Code: CodeUnauthenticated, Message: fmt.Sprintf("%s answered 401 Unauthorized", c.endpoint)}
		}
		if status == http.StatusNotFound {
			return fmt.Errorf("%s answered 404: check url and platform_api_path", c.endpoint)
		}
		if mutation && (status == http.StatusOK || status >= 500) && status != http.StatusServiceUnavailable {
			return unknown(fmt.Errorf("%s answered %s with a body that is not a GraphQL answer", c.endpoint, statusLine(status)))
		}
		return fmt.Errorf("%s answered %s with a body that is not GraphQL JSON; check url and platform_api_path", c.endpoint, statusLine(status))
	}
	if len(gr.Errors) > 0 {
		e := gr.Errors[0]
		group := e.Extensions.Group
		if group != "" {
			group = grouppath.FromPlatform(group)
		}
		return &Error{Code: e.Extensions.Code, Message: e.Message, Username: e.Extensions.Username, Group: group, App: e.Extensions.App}
	}
	if status != http.StatusOK {
		return unknown(fmt.Errorf("%s answered %s", c.endpoint, statusLine(status)))
	}
	if out != nil {
		if err := json.Unmarshal(gr.Data, out); err != nil {
			return unknown(fmt.Errorf("decoding the platform API answer: %w", err))
		}
	}
	return nil
}

// statusLine is an HTTP status as a response prints it: "502 Bad Gateway".
func statusLine(status int) string { return fmt.Sprintf("%d %s", status, http.StatusText(status)) }
