package graphmock

import (
	"slices"
	"strings"
)

// RemoveUser deletes a user (offboarding), with its pass and its group
// memberships: reads of it then answer 404, as Graph does for a deleted user.
func (m *Mock) RemoveUser(idOrUPN string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	u := m.t.user(idOrUPN)
	if u == nil {
		return notFound(idOrUPN)
	}
	id := strings.ToLower(u.ID)
	delete(m.t.users, id)
	delete(m.t.userByUPN, strings.ToLower(u.UserPrincipalName))
	delete(m.t.passes, id)
	m.t.userOrder = slices.DeleteFunc(m.t.userOrder, func(s string) bool { return strings.EqualFold(s, u.ID) })
	for _, g := range m.t.groups {
		g.Members = slices.DeleteFunc(g.Members, func(s string) bool { return strings.EqualFold(s, u.ID) })
	}
	m.commitLocked()
	return nil
}
