package keycloak

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	neturl "net/url"
	"strconv"

	"golang.org/x/sync/errgroup"
)

// DefaultPageSize is the page size of role-member and group listings. Not
// Keycloak's own default of 100: it answers each page of a role's members by
// reading up to the page's offset again, so 10,006 holders took it 11 s in
// pages of 100 and 1.9 s in pages of 1,000 (measured on Keycloak 26.7 in dev
// mode, three times each; DESIGN.md "Scale").
const DefaultPageSize = 1000

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
	page, err := fetch(ctx, 0, size)
	if err != nil || len(page) < size {
		return page, err
	}
	return readOn(ctx, size, page, fetch)
}

// readOn reads a listing on, page by page, after all (whose last page was full).
func readOn(ctx context.Context, size int, all []json.RawMessage, fetch func(ctx context.Context, first, limit int) ([]json.RawMessage, error)) ([]json.RawMessage, error) {
	for {
		page, err := fetch(ctx, len(all)-1, size+1)
		if err != nil {
			return nil, err
		}
		if err := overlaps(all, page); err != nil {
			return nil, err
		}
		all = append(all, page[1:]...)
		if len(page) < size+1 {
			return all, nil
		}
	}
}

// overlaps checks that page begins with the last item read so far.
func overlaps(all, page []json.RawMessage) error {
	if len(page) == 0 || itemKey(page[0]) != itemKey(all[len(all)-1]) {
		return fmt.Errorf("the listing changed while it was being read (an item before offset %d was added or removed); run the command again", len(all)-1)
	}
	return nil
}

// parallelPages is how many pages of a listing whose size is known are
// fetched at a time: with a real network between the provider and Keycloak,
// round trips, not Keycloak, dominate a long listing.
const parallelPages = 4

// pageAllKnown lists a listing of about total items in pages of size, up to
// parallelPages at a time. Page k (k ≥ 1) is asked from offset k*size-1 with
// one item more and must begin with page k-1's last item: the overlap check of
// pageAll, so a listing that changed under us is still an error. If the last
// page comes back full the listing grew: the rest is read page by page.
func pageAllKnown(ctx context.Context, size, total int, fetch func(ctx context.Context, first, limit int) ([]json.RawMessage, error)) ([]json.RawMessage, error) {
	n := max(1, (total+size-1)/size)
	pages := make([][]json.RawMessage, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelPages)
	for k := 0; k < n; k++ {
		g.Go(func() error {
			first, limit := k*size-1, size+1
			if k == 0 {
				first, limit = 0, size
			}
			page, err := fetch(gctx, first, limit)
			pages[k] = page
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	all := append([]json.RawMessage(nil), pages[0]...)
	if len(pages[0]) < size {
		return all, nil // the listing ended (or shrank) on the first page
	}
	for k := 1; k < n; k++ {
		if err := overlaps(all, pages[k]); err != nil {
			return nil, err
		}
		all = append(all, pages[k][1:]...)
		if len(pages[k]) < size+1 {
			return all, nil
		}
	}
	return readOn(ctx, size, all, fetch) // the last page was full: the listing grew
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
	raw, err := c.listRaw(ctx, url, extra, size)
	return decodeListing[T](url, raw, err)
}

// pagedGetKnown lists an endpoint of about total items, several pages at a time.
func pagedGetKnown[T any](ctx context.Context, c *Client, url string, extra map[string]string, size, total int) ([]T, error) {
	raw, err := pageAllKnown(ctx, size, total, c.pages(url, extra))
	return decodeListing[T](url, raw, err)
}

type pageFetch = func(ctx context.Context, first, limit int) ([]json.RawMessage, error)

// listRaw lists an endpoint in pages of size, its items undecoded.
func (c *Client) listRaw(ctx context.Context, url string, extra map[string]string, size int) ([]json.RawMessage, error) {
	return pageAll(ctx, size, c.pages(url, extra))
}

// pages fetches pages of the listing at url with the extra query parameters.
func (c *Client) pages(url string, extra map[string]string) pageFetch {
	return func(ctx context.Context, first, limit int) ([]json.RawMessage, error) {
		q := neturl.Values{"first": {strconv.Itoa(first)}, "max": {strconv.Itoa(limit)}}
		for k, v := range extra {
			q.Set(k, v)
		}
		return c.getPage(ctx, url, q)
	}
}

// decodeListing decodes the items of the listing at url (err: the listing failed).
func decodeListing[T any](url string, raw []json.RawMessage, err error) ([]T, error) {
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
func (c *Client) getPage(ctx context.Context, url string, query neturl.Values) ([]json.RawMessage, error) {
	var items []json.RawMessage
	err := c.withToken(ctx, func(token string) error {
		resp, err := c.gc.GetRequestWithBearerAuth(ctx, token).SetQueryParamsFromValues(query).Get(url)
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
