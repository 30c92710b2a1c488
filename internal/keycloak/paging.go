package keycloak

import (
	"context"
	"strconv"

	"golang.org/x/sync/singleflight"
)

// PageSize is the page size of role-member and group listings; Keycloak's own default is 100.
var PageSize = 100

// UserPageSize is the page size of the realm's user listing, which can hold
// tens of thousands of users: fewer, larger pages halve its time.
var UserPageSize = 500

// pageAll calls fetch with first/max until a page comes back short, so no
// listing is ever cut at Keycloak's default page size.
func pageAll[T any](ctx context.Context, size int, fetch func(ctx context.Context, first, size int) ([]T, error)) ([]T, error) {
	var all []T
	for first := 0; ; first += size {
		page, err := fetch(ctx, first, size)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < size {
			return all, nil
		}
	}
}

// pagedGet lists a raw admin endpoint page by page.
func pagedGet[T any](ctx context.Context, c *Client, url string, extra map[string]string) ([]T, error) {
	return pagedGetSize[T](ctx, c, url, extra, PageSize)
}

// pagedGetSize lists a raw admin endpoint in pages of size.
func pagedGetSize[T any](ctx context.Context, c *Client, url string, extra map[string]string, size int) ([]T, error) {
	return pageAll(ctx, size, func(ctx context.Context, first, size int) ([]T, error) {
		q := map[string]string{"first": strconv.Itoa(first), "max": strconv.Itoa(size)}
		for k, v := range extra {
			q[k] = v
		}
		var page []T
		if err := c.getJSON(ctx, url, q, &page); err != nil {
			return nil, err
		}
		return page, nil
	})
}

// shared runs fn once for concurrent callers with the same key.
func shared[T any](sf *singleflight.Group, key string, fn func() (T, error)) (T, error) {
	v, err, _ := sf.Do(key, func() (any, error) { return fn() })
	t, _ := v.(T)
	return t, err
}
