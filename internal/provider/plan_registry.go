package provider

import (
	"slices"
	"sync"
)

// planRegistry is what the provider has seen earlier in the same plan (or in
// the apply's re-plan): seats that will be granted and apps that transfers
// will move. Terraform plans a resource after the ones it references or
// depends on, so a revocation planned with depends_on on a transfer sees that
// transfer here, and a transfer to dashenterprise_license_seat.x.id sees the
// grant. Resources that Terraform plans in parallel may or may not see each
// other; checks use this only to allow what would otherwise be refused.
type planRegistry struct {
	mu        sync.Mutex
	grants    map[string]bool
	movedAway map[string][]string // from username -> apps
	movedTo   map[string][]string // to username -> apps
}

func (p *planRegistry) grant(username string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.grants == nil {
		p.grants = map[string]bool{}
	}
	p.grants[username] = true
}

func (p *planRegistry) granted(username string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.grants[username]
}

func (p *planRegistry) move(from string, apps []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.movedAway == nil {
		p.movedAway = map[string][]string{}
	}
	for _, a := range apps {
		if !slices.Contains(p.movedAway[from], a) {
			p.movedAway[from] = append(p.movedAway[from], a)
		}
	}
}

// receive records apps a transfer of this plan gives to.
func (p *planRegistry) receive(to string, apps []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.movedTo == nil {
		p.movedTo = map[string][]string{}
	}
	for _, a := range apps {
		if !slices.Contains(p.movedTo[to], a) {
			p.movedTo[to] = append(p.movedTo[to], a)
		}
	}
}

func (p *planRegistry) received(to string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.movedTo[to])
}

func (p *planRegistry) moved(from string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.movedAway[from])
}
