package operations

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// Digest is an order-free digest of a set of members ("sha256:<hex>" of the
// sorted members, one per line). A large authoritative set keeps only this of
// what its plan saw, instead of a second copy of the set: Terraform and the
// framework compare every set attribute whole, and at 10,000 members the
// second copy doubled the cost of every plan.
func Digest(members []string) string {
	sorted := slices.Clone(members)
	slices.Sort(sorted)
	sum := sha256.Sum256([]byte(strings.Join(sorted, "\n")))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// PlanChangeFromDigest is PlanChange for a set whose plan kept only the
// digest of the members it saw. The members seen are recovered from the prior
// state: a refresh writes both the members and their digest, so when the prior
// members match the digest they are exactly what the plan saw, and every member
// that appeared or vanished since is named. When they do not match, the plan
// was made without refreshing (-refresh=false after an apply): it showed the
// prior state, so a live member that it neither keeps nor lists is one whose
// removal it did not display (Unshown), never a guess about when it appeared.
// digestKnown is false on Create (the plan had no state to keep a digest in).
func PlanChangeFromDigest(prior, desired []string, digest string, digestKnown bool, live []string) Change {
	if !digestKnown {
		return PlanChange(prior, desired, nil, false, live)
	}
	c := PlanChange(prior, desired, prior, true, live)
	if Digest(prior) != digest {
		c.Unshown = append(c.Unshown, c.Appeared...)
		slices.Sort(c.Unshown)
		c.Appeared = nil
	}
	return c
}
