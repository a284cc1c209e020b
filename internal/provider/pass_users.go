package provider

import (
	"strings"
	"sync"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// userLocks serialise the list-then-create of issuePass per user, within
// this process: Graph keeps one pass per user, so two creates for one user
// at once would both succeed and one pass silently replace the other.
var userLocks sync.Map // lower-case object id -> *sync.Mutex

func lockUser(objectID string) func() {
	v, _ := userLocks.LoadOrStore(strings.ToLower(objectID), &sync.Mutex{})
	mu, _ := v.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// plannedUsers records, per configured client (one per Terraform walk), the
// users a new pass resource is planned for: two in one plan is an error, not
// a pass that silently replaces the other at apply.
var plannedUsers sync.Map // *graph.Client -> *userPlans

type userPlans struct {
	mu    sync.Mutex
	users map[string]string // lower-case object id -> user_id as written
}

// planUser registers a planned create for the user and returns the user_id
// another pass resource of this plan wrote for the same user, if any.
func planUser(c *graph.Client, u *graph.User, written string) (other string, dup bool) {
	v, _ := plannedUsers.LoadOrStore(c, &userPlans{users: map[string]string{}})
	p, _ := v.(*userPlans)
	p.mu.Lock()
	defer p.mu.Unlock()
	key := strings.ToLower(u.ID)
	if prev, ok := p.users[key]; ok {
		return prev, true
	}
	p.users[key] = written
	return "", false
}
