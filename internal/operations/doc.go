// Package operations is the one home of the provider's rules. Each operation
// (grant or revoke seats, set co-owners, transfer apps, offboard a user, log a
// user out) has a plan step — a pure function from a Snapshot and the intent
// of the configuration to a decision and typed Findings — and, where the apply
// must re-check what the plan relied on, an apply step that reads through small
// ports (Directory, AppStore) and refuses with a Finding when it changed.
//
// What one resource's plan knows of another goes through Intents, held by the
// Run; a rule that concerns two resources (a revocation and a transfer to the
// same user) is checked by whichever of the two is planned second, so the same
// Finding comes out whatever order Terraform plans in.
//
// The package does no I/O of its own and knows nothing of Terraform: the
// provider decodes, calls an operation, renders its findings as diagnostics in
// one adapter, and sets state.
package operations
