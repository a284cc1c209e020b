package graphmock

import "time"

// SetTokenLifetime changes the lifetime of the access tokens minted from now on (0: back to
// Options.TokenLifetime), so that a test can make a long run outlive its tokens.
func (m *Mock) SetTokenLifetime(d time.Duration) { m.tokenLifetime.Store(int64(d)) }

func (m *Mock) accessTokenLifetime() time.Duration {
	if d := time.Duration(m.tokenLifetime.Load()); d > 0 {
		return d
	}
	return m.opts.TokenLifetime
}
