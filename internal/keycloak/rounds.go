package keycloak

import (
	"context"
	"encoding/json"
	"fmt"

	"golang.org/x/sync/errgroup"
)

// A read that takes several requests is split in two: a value that decides,
// without a server, what to ask next and what the answers mean (treeRead,
// holdersRead), and Client.send, which asks the reads of one round together.
// The deciding is tested without Keycloak, and the reads of a round share
// their wait.

// brief asks Keycloak for the short form of users, groups and roles.
var brief = map[string]string{"briefRepresentation": "true"}

// ask is one read of a round: a listing read to its end in pages of page
// items, or (page 0) one GET whose answer is kept whole.
type ask struct {
	url   string
	query map[string]string
	page  int
}

// list asks for a whole listing in pages of the configured size.
func (c *Client) list(url string, query map[string]string) ask {
	return ask{url: url, query: query, page: c.cfg.PageSize}
}

// answer is what one ask got: a listing's items or one body, or an error.
type answer struct {
	ask
	items []json.RawMessage
	body  json.RawMessage
	err   error
}

// send asks the reads of one round, parallelPages at a time, and answers
// them in the order asked. A failed read does not stop the others: what a
// failure means is for the asker to decide.
func (c *Client) send(ctx context.Context, asks []ask) []answer {
	out := make([]answer, len(asks))
	var g errgroup.Group
	g.SetLimit(parallelPages)
	for i, a := range asks {
		g.Go(func() error {
			out[i].ask = a
			if a.page > 0 {
				out[i].items, out[i].err = c.listRaw(ctx, a.url, a.query, a.page)
			} else {
				out[i].err = c.getJSON(ctx, a.url, a.query, &out[i].body)
			}
			return nil
		})
	}
	_ = g.Wait()
	return out
}

// listing decodes the answer to a listing.
func listing[T any](a answer) ([]T, error) {
	return decodeListing[T](a.url, a.items, a.err)
}

// decode decodes the answer to one GET into out.
func (a answer) decode(out any) error {
	if a.err != nil {
		return a.err
	}
	if err := json.Unmarshal(a.body, out); err != nil {
		return fmt.Errorf("GET %s: %w", a.url, err)
	}
	return nil
}
