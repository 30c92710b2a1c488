package keycloak

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Nerzal/gocloak/v13"
)

func TestTokenSourceRefreshesBeforeExpiry(t *testing.T) {
	var fetches atomic.Int32
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := newTokenSource(func(context.Context) (*gocloak.JWT, error) {
		n := fetches.Add(1)
		return &gocloak.JWT{AccessToken: fmt.Sprint("token-", n), ExpiresIn: 30}, nil
	})
	ts.now = func() time.Time { return now }
	first, _ := ts.Token(context.Background())
	now = now.Add(15 * time.Second) // within lifetime minus margin (30 - 10)
	if tok, _ := ts.Token(context.Background()); tok != first || fetches.Load() != 1 {
		t.Fatalf("refreshed too early: %d fetches", fetches.Load())
	}
	now = now.Add(6 * time.Second) // 21 s: past 30 s - 10 s margin
	if tok, _ := ts.Token(context.Background()); tok == first || fetches.Load() != 2 {
		t.Fatalf("not refreshed before expiry: %d fetches", fetches.Load())
	}
	ts.Invalidate()
	if _, _ = ts.Token(context.Background()); fetches.Load() != 3 {
		t.Fatal("Invalidate did not force a new token")
	}
}

func TestTokenSourceConcurrentCallersShareOneFetch(t *testing.T) {
	var fetches atomic.Int32
	ts := newTokenSource(func(context.Context) (*gocloak.JWT, error) {
		fetches.Add(1)
		time.Sleep(10 * time.Millisecond)
		return &gocloak.JWT{AccessToken: "t", ExpiresIn: 300}, nil
	})
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tok, err := ts.Token(context.Background()); err != nil || tok != "t" {
				t.Errorf("token %q %v", tok, err)
			}
			if tok, _ := ts.Token(context.Background()); tok == "" {
				t.Error("empty token")
			}
		}()
	}
	wg.Wait()
	if fetches.Load() != 1 {
		t.Fatalf("%d fetches for 50 concurrent callers", fetches.Load())
	}
}

func TestTokenSourceDoesNotCacheErrors(t *testing.T) {
	fail := true
	ts := newTokenSource(func(context.Context) (*gocloak.JWT, error) {
		if fail {
			return nil, errors.New("down")
		}
		return &gocloak.JWT{AccessToken: "t", ExpiresIn: 300}, nil
	})
	if _, err := ts.Token(context.Background()); err == nil {
		t.Fatal("want error")
	}
	fail = false
	if tok, err := ts.Token(context.Background()); err != nil || tok != "t" {
		t.Fatalf("%q %v", tok, err)
	}
}
