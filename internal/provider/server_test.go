package provider

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// heldServer stands in for the framework behind oneWaveAtATime: each ReadResource reports that
// it entered, then waits for its gate.
type heldServer struct {
	protocolServer // nil: only ReadResource is called
	entered        chan string
	gate           chan struct{}
	mu             sync.Mutex
	running, most  map[string]int
}

func (h *heldServer) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	h.mu.Lock()
	h.running[req.TypeName]++
	h.most[req.TypeName] = max(h.most[req.TypeName], h.running[req.TypeName])
	h.mu.Unlock()
	h.entered <- req.TypeName
	<-h.gate
	h.mu.Lock()
	h.running[req.TypeName]--
	h.mu.Unlock()
	return &tfprotov6.ReadResourceResponse{}, nil
}

func TestServerOneWaveAtATime(t *testing.T) {
	t.Parallel()
	h := &heldServer{entered: make(chan string, 8), gate: make(chan struct{}), running: map[string]int{}, most: map[string]int{}}
	s := oneWaveAtATime(h)
	read := func(ctx context.Context, typeName string) error {
		_, err := s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName})
		return err
	}
	errs := make(chan error, 8)
	go func() { errs <- read(context.Background(), passesTypeName) }()
	if got := <-h.entered; got != passesTypeName {
		t.Fatalf("entered %s", got)
	}
	// While that wave is read: a second wave waits its turn (cancelled, it gives up without
	// entering), and calls on other types do not wait.
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := read(canceled, passesTypeName); !errors.Is(err, context.Canceled) {
		t.Fatalf("a second wave during the first: %v, want it to wait (and give up on cancel)", err)
	}
	for range 2 {
		go func() { errs <- read(context.Background(), "entratap_pass") }()
	}
	for range 2 {
		if got := <-h.entered; got != "entratap_pass" {
			t.Fatalf("entered %s, want the passes, which do not wait", got)
		}
	}
	for range 2 {
		go func() { errs <- read(context.Background(), passesTypeName) }()
	}
	close(h.gate)
	for range 2 {
		<-h.entered // the two waiting waves, in turn
	}
	for range 5 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if h.most[passesTypeName] != 1 || h.most["entratap_pass"] != 2 {
		t.Fatalf("at most %d waves and %d passes read at once, want 1 and 2", h.most[passesTypeName], h.most["entratap_pass"])
	}
}

// The framework's server implements every RPC the wrapper passes on.
func TestServerWrapsTheFramework(t *testing.T) {
	t.Parallel()
	s, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*waveSerialServer); !ok {
		t.Fatalf("NewServer gave a %T", s)
	}
	if _, ok := s.(tfprotov6.ActionServer); !ok {
		t.Fatal("the served provider lost its actions")
	}
	if _, ok := s.(tfprotov6.ListResourceServer); !ok {
		t.Fatal("the served provider lost its list resource")
	}
}
