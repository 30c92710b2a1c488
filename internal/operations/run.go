package operations

import (
	"slices"
	"sync"
)

// Run is what one provider process shares between its resources for the
// length of a plan or an apply: the policy, whether the provider configuration
// is known, the per-user locks and what each plan step declared it will do.
type Run struct {
	// Strict is orphan_protection = "error".
	Strict bool
	// ConfigUnknown is set when the provider block depends on values known only at apply.
	ConfigUnknown bool
	// Locks serialises checks and writes about the same user.
	Locks Locks
	// Intents is what the plan steps of this run declared.
	Intents Intents
}

// Intents is what the plan steps of one run declared they will do: seats
// granted and revoked, apps moved away from and given to users. Each step
// records its intent and reads the others' in one locked call, so of two
// steps that concern each other exactly one sees the other — whichever is
// planned second — and it produces the finding about the pair.
type Intents struct {
	mu       sync.Mutex
	grants   map[string]bool
	revokes  map[string]bool
	moved    map[string][]string // from username -> apps
	received map[string][]string // to username -> apps
}

// Grant records that a seat of username is granted in this plan.
func (in *Intents) Grant(username string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.grants = setAdd(in.grants, username)
}

// Granted reports whether a step of this plan grants username a seat.
func (in *Intents) Granted(username string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.grants[username]
}

// Revoke records that username loses the seat in this plan and returns the
// apps that moves planned so far give to username.
func (in *Intents) Revoke(username string) (received []string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.revokes = setAdd(in.revokes, username)
	return slices.Clone(in.received[username])
}

// Move records that apps move from one user to another (to may be empty when
// not known yet) and reports whether a step planned so far revokes the seat of to.
func (in *Intents) Move(from, to string, apps []string) (toRevoked bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.moved = appendNew(in.moved, from, apps)
	if to == "" {
		return false
	}
	in.received = appendNew(in.received, to, apps)
	return in.revokes[to]
}

// Moved returns the apps moves of this plan take from username.
func (in *Intents) Moved(username string) []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return slices.Clone(in.moved[username])
}

func setAdd(m map[string]bool, k string) map[string]bool {
	if m == nil {
		m = map[string]bool{}
	}
	m[k] = true
	return m
}

func appendNew(m map[string][]string, k string, xs []string) map[string][]string {
	if m == nil {
		m = map[string][]string{}
	}
	for _, x := range xs {
		if !slices.Contains(m[k], x) {
			m[k] = append(m[k], x)
		}
	}
	return m
}

// Locks serialises, provider-wide, the check-then-write sequences that
// involve the same user: "check the apps, then revoke the seat" and "check
// both seats, then transfer". Without it a transfer to bob could land between
// bob's orphan check and the removal of his role in the same apply, orphaning
// the apps it just moved.
type Locks struct {
	mu sync.Mutex
	m  map[string]*sync.Mutex
}

// Lock takes the locks of every user (in sorted order, so two callers never
// deadlock) and returns the function that releases them.
func (l *Locks) Lock(users ...string) (unlock func()) {
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
