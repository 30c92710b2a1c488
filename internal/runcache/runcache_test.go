package runcache

import (
	"errors"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
)

type set map[string]bool

func grant(name string) Edit[set] {
	return func(s set) set {
		c := maps.Clone(s)
		c[name] = true
		return c
	}
}

// A write made while the value is being built is visible to every later Get,
// whether or not the build read it (the build here reads the server before
// the write lands).
func TestWriteDuringBuildIsNotLost(t *testing.T) {
	c := New[set]()
	started, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = c.Get("holders", func() (set, error) {
			snapshot := set{"alice": true} // read before bob's seat was granted
			close(started)
			<-release
			return snapshot, nil
		})
	}()
	<-started
	c.Update("holders", grant("bob")) // bob's seat granted during the build
	close(release)
	wg.Wait()
	got, err := c.Get("holders", func() (set, error) { t.Fatal("built twice"); return nil, nil })
	if err != nil || !got["bob"] || !got["alice"] {
		t.Fatalf("bob's write was lost: %v %v", got, err)
	}
}

// Writes before a build starts are not replayed (the build reads them), writes
// after it is stored edit the stored value copy-on-write.
func TestUpdatesAreCopyOnWriteAndNotReplayedTwice(t *testing.T) {
	c := New[set]()
	var applied atomic.Int32
	c.Update("k", func(s set) set { applied.Add(1); return s }) // nothing cached, no build: dropped
	v1, _ := c.Get("k", func() (set, error) { return set{"a": true}, nil })
	c.Update("k", grant("b"))
	v2, _ := c.Get("k", nil)
	if v1["b"] || !v2["b"] || applied.Load() != 0 {
		t.Fatalf("old reader disturbed or edit replayed: v1=%v v2=%v applied=%d", v1, v2, applied.Load())
	}
}

// An invalidation during a build keeps the built value out of the cache.
func TestInvalidateDuringBuildIsNotStored(t *testing.T) {
	c := New[set]()
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		_, _ = c.Get("apps", func() (set, error) { close(started); <-release; return set{"old": true}, nil })
		close(done)
	}()
	<-started
	c.Invalidate("apps")
	close(release)
	<-done
	builds := 0
	v, _ := c.Get("apps", func() (set, error) { builds++; return set{"new": true}, nil })
	if builds != 1 || !v["new"] {
		t.Fatalf("a value invalidated during its build was cached: %v (builds %d)", v, builds)
	}
}

// A failed build is not cached; concurrent callers share one build.
func TestFailedBuildIsNotCachedAndBuildsAreShared(t *testing.T) {
	c := New[set]()
	if _, err := c.Get("k", func() (set, error) { return nil, errors.New("down") }); err == nil {
		t.Fatal("want the error")
	}
	var builds atomic.Int32
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = c.Get("k", func() (set, error) { builds.Add(1); <-gate; return set{}, nil })
		}()
	}
	for builds.Load() == 0 {
		// wait for the first build to start
	}
	close(gate)
	wg.Wait()
	if builds.Load() != 1 {
		t.Fatalf("%d builds for 20 concurrent callers", builds.Load())
	}
}

// Peek sees only a finished build, and never starts one.
func TestPeekNeverBuilds(t *testing.T) {
	c := New[set]()
	if _, ok := c.Peek("holders"); ok {
		t.Fatal("Peek found a value nobody built")
	}
	if _, err := c.Get("holders", func() (set, error) { return nil, errors.New("down") }); err == nil {
		t.Fatal("the failed build reported no error")
	}
	if _, ok := c.Peek("holders"); ok {
		t.Fatal("Peek found the value of a failed build")
	}
	_, _ = c.Get("holders", func() (set, error) { return set{"alice": true}, nil })
	if v, ok := c.Peek("holders"); !ok || !v["alice"] {
		t.Fatalf("Peek after a build = %v, %v; want alice's set", v, ok)
	}
}
