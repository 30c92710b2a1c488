// Package runcache is the run-scoped cache the provider's clients share: one
// terraform command builds each value (role holders, apps, users, groups) once,
// concurrent callers share the build, and writes made through the client are
// applied to the cached value without a reread, so every later check in the
// run sees them.
//
// A write that lands while a value is being built is the hard case: the build
// may or may not have read it. Every write gets a generation; writes made
// during a build are kept and replayed onto the built value before it is
// stored. Edits must therefore be idempotent (set a fact, not toggle it) and
// copy-on-write (return a new value, never change the one passed in), so
// readers holding an older value are not disturbed.
package runcache

import (
	"sync"

	"golang.org/x/sync/singleflight"
)

// Edit applies one write to a cached value and returns the new value.
type Edit[T any] func(T) T

// Cache holds values of T by key. The zero value is not usable; call New.
type Cache[T any] struct {
	mu       sync.Mutex
	sf       singleflight.Group
	gen      uint64
	values   map[string]T
	building map[string]uint64     // key -> generation when its build started
	journal  map[string][]entry[T] // key -> writes made while it was being built
}

type entry[T any] struct {
	gen  uint64
	edit Edit[T]
}

// New returns an empty cache.
func New[T any]() *Cache[T] {
	return &Cache[T]{values: map[string]T{}, building: map[string]uint64{}, journal: map[string][]entry[T]{}}
}

// Get returns the cached value of key, building it once when absent
// (concurrent callers share one build; a failed build is not cached).
func (c *Cache[T]) Get(key string, build func() (T, error)) (T, error) {
	c.mu.Lock()
	if v, ok := c.values[key]; ok {
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	v, err, _ := c.sf.Do(key, func() (any, error) {
		c.mu.Lock()
		if v, ok := c.values[key]; ok { // stored by a build that just finished
			c.mu.Unlock()
			return v, nil
		}
		c.building[key] = c.gen
		c.mu.Unlock()
		v, err := build()
		c.mu.Lock()
		defer c.mu.Unlock()
		start := c.building[key]
		delete(c.building, key)
		writes := c.journal[key]
		delete(c.journal, key)
		if err != nil {
			return v, err
		}
		for _, w := range writes {
			if w.gen <= start {
				continue
			}
			if w.edit == nil {
				// Invalidated during the build: this caller's read began
				// before the write ended, but later callers build again.
				return v, nil
			}
			v = w.edit(v)
		}
		c.values[key] = v
		return v, nil
	})
	t, _ := v.(T)
	return t, err
}

// Peek returns the cached value of key without building it.
func (c *Cache[T]) Peek(key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.values[key]
	return v, ok
}

// Update applies a write to key: to the cached value when there is one, and
// to the value being built when a build is in flight (replayed when it ends).
// With neither, the next build reads the write from the server.
func (c *Cache[T]) Update(key string, edit Edit[T]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if v, ok := c.values[key]; ok {
		c.values[key] = edit(v)
	}
	if _, ok := c.building[key]; ok {
		c.journal[key] = append(c.journal[key], entry[T]{gen: c.gen, edit: edit})
	}
}

// Invalidate drops key, so the next Get builds it again. A build in flight
// is not stored when it ends.
func (c *Cache[T]) Invalidate(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.values, key)
	if _, ok := c.building[key]; ok {
		c.journal[key] = append(c.journal[key], entry[T]{gen: c.gen, edit: nil})
	}
}

// Generation counts the writes and invalidations seen so far.
func (c *Cache[T]) Generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}
