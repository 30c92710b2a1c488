package provider

import (
	"slices"
	"sync"
)

// userLocks serialises, provider-wide, the check-then-write sequences that
// involve the same user: "check the apps, then revoke the seat" and "check
// both seats, then transfer". Without it a transfer to bob could land between
// bob's orphan check and the removal of his role in the same apply, orphaning
// the apps it just moved.
type userLocks struct {
	mu sync.Mutex
	m  map[string]*sync.Mutex
}

// lock takes the locks of every user (in sorted order, so two callers never
// deadlock) and returns the function that releases them.
func (l *userLocks) lock(users ...string) (unlock func()) {
	users = slices.Clone(users)
	slices.Sort(users)
	users = slices.Compact(users)
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*sync.Mutex{}
	}
	held := make([]*sync.Mutex, len(users))
	for i, u := range users {
		if l.m[u] == nil {
			l.m[u] = &sync.Mutex{}
		}
		held[i] = l.m[u]
	}
	l.mu.Unlock()
	for _, m := range held {
		m.Lock()
	}
	return func() {
		for i := len(held) - 1; i >= 0; i-- {
			held[i].Unlock()
		}
	}
}
