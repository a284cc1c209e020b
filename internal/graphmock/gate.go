package graphmock

// Gates hold requests at the door, so a test can act while one is in flight (cancel
// its client, change the faults) instead of sleeping on the clock or polling.

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

// gateBuffer is how many unread signals Arrived and Left keep; later ones are dropped.
const gateBuffer = 256

// Gate holds the requests it matches, from its creation until Release.
type Gate struct {
	method  string
	path    func(string) bool
	arrived chan struct{}
	left    chan bool
	release chan struct{}
	once    sync.Once
}

// gates are a Mock's gates, oldest first.
type gates struct {
	mu   sync.Mutex
	list []*Gate
}

// Gate holds every request with this method ("": any) whose URL path satisfies path (nil:
// any), until Release. A held request whose client gives up is dropped unanswered, as a
// server does with a request its client abandoned. A request waits at the first matching
// gate only.
func (m *Mock) Gate(method string, path func(string) bool) *Gate {
	g := &Gate{method: method, path: path, arrived: make(chan struct{}, gateBuffer),
		left: make(chan bool, gateBuffer), release: make(chan struct{})}
	m.gates.mu.Lock()
	defer m.gates.mu.Unlock()
	m.gates.list = append(m.gates.list, g)
	return g
}

// Arrived receives once for each request the gate holds, as it is held.
func (g *Gate) Arrived() <-chan struct{} { return g.arrived }

// Left receives once for each request the gate held, when its handling ends: false when
// it was released and served, true when its client gave up while it was held (it was
// not served).
func (g *Gate) Left() <-chan bool { return g.left }

// Release lets the held requests through and holds no more. Releasing twice is harmless.
func (g *Gate) Release() { g.once.Do(func() { close(g.release) }) }

func (g *Gate) released() bool {
	select {
	case <-g.release:
		return true
	default:
		return false
	}
}

func (g *Gate) matches(r *http.Request) bool {
	return !g.released() && (g.method == "" || g.method == r.Method) && (g.path == nil || g.path(r.URL.Path))
}

func signal[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}

// hold waits at the first gate r matches until it is released, and returns what to run
// when the request's handling ends. When the client gives up first, it aborts the handler
// (net/http then drops the connection or resets the stream).
func (gs *gates) hold(r *http.Request) func() {
	gs.mu.Lock()
	var g *Gate
	for _, c := range gs.list {
		if c.matches(r) {
			g = c
			break
		}
	}
	gs.mu.Unlock()
	if g == nil {
		return func() {}
	}
	if r.ProtoMajor == 1 && r.Body != nil {
		// HTTP/1.1 notices a client going away only once the body is read to its end.
		if raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1)); err == nil {
			r.Body = io.NopCloser(bytes.NewReader(raw))
		}
	}
	signal(g.arrived, struct{}{})
	select {
	case <-g.release:
		return func() { signal(g.left, false) }
	case <-r.Context().Done():
		signal(g.left, true)
		panic(http.ErrAbortHandler)
	}
}
