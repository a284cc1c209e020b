package graphmock

import "fmt"

// Reset puts the mock back to its seed tenant (Options.Seed or the default),
// with no faults, no replication lag, the tenant clock at wall time and an
// empty request log. Keys, certificates and the listener stay, so tokens and
// the CA remain valid: tests sharing one server reset it between them.
func (m *Mock) Reset() {
	seed := DefaultSeed()
	if m.opts.Seed != nil {
		seed = *m.opts.Seed
	}
	t, err := newTenant(seed)
	if err != nil {
		panic(fmt.Sprintf("graphmock: reset: the seed was valid at start: %v", err))
	}
	m.faults.replace(Faults{})
	m.log.reset()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = t
	m.lag = map[string]int{}
	m.revoked = map[string]bool{}
	if err := m.saveLocked(); err != nil {
		m.logf("graphmock: reset: saving state: %v", err)
	}
}
