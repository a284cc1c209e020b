// Package graph is the provider's only door to Microsoft Graph and Entra ID.
//
// It owns msgraph-sdk-go, kiota and azidentity: it builds the credential in a
// fixed order, the request adapter for the configured endpoint, retries and
// error classification, and hands the rest of the provider plain Go types
// (Policy, Pass, User) and typed errors (*Error with Kind NotFound,
// Throttled, PermissionDenied, BadRequest, ...).
//
// Nothing in here logs a request or response body: the only body that holds a
// secret (the TAP code in a POST 201) is parsed and returned, never printed.
package graph
