package keycloak

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"golang.org/x/sync/singleflight"
)

// DefaultPageSize is the page size of role-member and group listings; Keycloak's own default is 100.
const DefaultPageSize = 100

// DefaultUserPageSize is the page size of the realm's user listing, which can
// hold tens of thousands of users: fewer, larger pages halve its time.
const DefaultUserPageSize = 500

// unpagedSize reads a listing in one request, for listings without a unique order.
const unpagedSize = 1 << 20

// pageAll lists with first/max until a page comes back short, so no listing is
// ever cut at Keycloak's default page size. Every page after the first starts
// one item early and must begin with the previous page's last item: offset
// paging skips (or repeats) an item when one before the offset is deleted (or
// added) mid-listing, and the overlap detects that with no extra request. A
// listing that changed under us is an error, never a list with a hole.
func pageAll(ctx context.Context, size int, fetch func(ctx context.Context, first, limit int) ([]json.RawMessage, error)) ([]json.RawMessage, error) {
	all, page, err := []json.RawMessage(nil), []json.RawMessage(nil), error(nil)
	if page, err = fetch(ctx, 0, size); err != nil {
		return nil, err
	}
	all = append(all, page...)
	for full := len(page) == size; full; full = len(page) == size+1 {
		if page, err = fetch(ctx, len(all)-1, size+1); err != nil {
			return nil, err
		}
		if len(page) == 0 || itemKey(page[0]) != itemKey(all[len(all)-1]) {
			return nil, fmt.Errorf("the listing changed while it was being read (an item before offset %d was added or removed); run the command again", len(all)-1)
		}
		all = append(all, page[1:]...)
	}
	return all, nil
}

// itemKey identifies a listed item by its id, or by its whole text when it has none.
func itemKey(raw json.RawMessage) string {
	var k struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &k) == nil && k.ID != "" {
		return k.ID
	}
	return string(raw)
}

// pagedGet lists a raw admin endpoint page by page.
func pagedGet[T any](ctx context.Context, c *Client, url string, extra map[string]string) ([]T, error) {
	return pagedGetSize[T](ctx, c, url, extra, c.cfg.PageSize)
}

// pagedGetSize lists a raw admin endpoint in pages of size.
func pagedGetSize[T any](ctx context.Context, c *Client, url string, extra map[string]string, size int) ([]T, error) {
	raw, err := pageAll(ctx, size, func(ctx context.Context, first, limit int) ([]json.RawMessage, error) {
		q := map[string]string{"first": strconv.Itoa(first), "max": strconv.Itoa(limit)}
		for k, v := range extra {
			q[k] = v
		}
		return c.getPage(ctx, url, q)
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", url, err)
	}
	out := make([]T, len(raw))
	for i, item := range raw {
		if err := json.Unmarshal(item, &out[i]); err != nil {
			return nil, fmt.Errorf("listing %s: item %d: %w", url, i, err)
		}
	}
	return out, nil
}

// getPage fetches one page of a listing. Only a 200 answer whose body is a
// JSON array is a page: HTML from a proxy, a 204, or a truncated body would
// otherwise read as an empty last page and cut the listing short.
func (c *Client) getPage(ctx context.Context, url string, query map[string]string) ([]json.RawMessage, error) {
	var items []json.RawMessage
	err := c.withToken(ctx, func(token string) error {
		resp, err := c.gc.GetRequestWithBearerAuth(ctx, token).SetQueryParams(query).Get(url)
		var raw *http.Response
		if resp != nil {
			raw = resp.RawResponse
		}
		if err := checkResponse(raw, err, "GET "+url); err != nil {
			return err
		}
		if resp.StatusCode() != http.StatusOK {
			return fmt.Errorf("GET %s answered %s instead of a page of results", url, resp.Status())
		}
		body := bytes.TrimSpace(resp.Body())
		if len(body) == 0 || body[0] != '[' {
			return fmt.Errorf("GET %s answered with something that is not a JSON list (%s, %d bytes); refusing a listing that would be cut short", url, resp.Header().Get("Content-Type"), len(body))
		}
		if err := json.Unmarshal(body, &items); err != nil {
			return fmt.Errorf("GET %s answered with a truncated or invalid page: %w", url, err)
		}
		return nil
	})
	return items, err
}

// shared runs fn once for concurrent callers with the same key.
func shared[T any](sf *singleflight.Group, key string, fn func() (T, error)) (T, error) {
	v, err, _ := sf.Do(key, func() (any, error) { return fn() })
	t, _ := v.(T)
	return t, err
}
