// Package platform is the client of the Dash Enterprise platform API: the
// GraphQL schema that is our contract, typed operations checked against it,
// and the rules for retrying mutations safely.
package platform

import _ "embed"

// Schema is the GraphQL schema of the platform API (schema.graphql).
//
//go:embed schema.graphql
var Schema string

// Error codes carried in extensions.code of GraphQL errors.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeAppNotFound     = "APP_NOT_FOUND"
	CodeAppExists       = "APP_EXISTS"
	CodeUserNotFound    = "USER_NOT_FOUND"
	CodeUserNotKnown    = "USER_NOT_KNOWN"
	CodeGroupNotKnown   = "GROUP_NOT_KNOWN"
	CodeNotLicensed     = "NOT_LICENSED"
	CodeOwnerAsCoOwner  = "OWNER_AS_COOWNER"
	CodeBadRequest      = "BAD_REQUEST"
	// CodeUnauthenticatedDisabled: an administrator disabled Unauthenticated viewer access.
	CodeUnauthenticatedDisabled = "UNAUTHENTICATED_DISABLED"
)
