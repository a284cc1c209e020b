package provider

// The protocol server Terraform talks to: the framework's, with the calls that carry a whole
// entratap_passes taken one at a time in a process. Each such call holds the wave several times
// over (the framework decodes the prior, proposed and planned values, and copies each value while
// it nulls write-only attributes: about 45 KB an entry at 5,000), and Terraform runs up to ten
// (-parallelism) at once: a wave split into chunks (the onboarding-wave module's chunks) would
// still peak at the whole wave's memory. One at a time it peaks at one chunk's (make bench -wave
// 5000 -wave-chunks 5: 80 to 96 MB, against 190 to 340 MB with the chunks at once). Graph's
// quota, not this, bounds how fast a wave goes: one chunk's batches keep it busy.

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// passesTypeName is the type whose calls are taken one at a time.
const passesTypeName = "entratap_passes"

// protocolServer is what the framework's server implements: every RPC, the optional ones too.
type protocolServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// NewServer returns the provider's protocol server, as Terraform is served it (main.go) and
// as tests run it: New's provider behind the framework, the waves one at a time.
func NewServer(version string, opts ...Option) func() (tfprotov6.ProviderServer, error) {
	framework := providerserver.NewProtocol6WithError(New(version, opts...)())
	return func() (tfprotov6.ProviderServer, error) {
		s, err := framework()
		if err != nil {
			return nil, err
		}
		full, ok := s.(protocolServer)
		if !ok { // a framework that dropped an RPC: served as it is, waves at once
			return s, nil
		}
		return oneWaveAtATime(full), nil
	}
}

// oneWaveAtATime wraps s so that its entratap_passes calls run one at a time.
func oneWaveAtATime(s protocolServer) *waveSerialServer {
	return &waveSerialServer{protocolServer: s, wave: make(chan struct{}, 1)}
}

type waveSerialServer struct {
	protocolServer
	wave chan struct{} // held by the entratap_passes call running
}

// hold waits for the turn of a call on typeName (none for other types); it ends early, with
// ctx's error, when Terraform cancels the call.
func (s *waveSerialServer) hold(ctx context.Context, typeName string) (release func(), err error) {
	if typeName != passesTypeName {
		return func() {}, nil
	}
	select {
	case s.wave <- struct{}{}:
		return func() { <-s.wave }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// inTurn runs call for req, in the turn of a call on typeName.
func inTurn[Req, Resp any](ctx context.Context, s *waveSerialServer, typeName string, req Req, call func(context.Context, Req) (Resp, error)) (Resp, error) {
	release, err := s.hold(ctx, typeName)
	if err != nil {
		var none Resp
		return none, err
	}
	defer release()
	return call(ctx, req)
}

func (s *waveSerialServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return inTurn(ctx, s, req.TypeName, req, s.protocolServer.ReadResource)
}

func (s *waveSerialServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return inTurn(ctx, s, req.TypeName, req, s.protocolServer.PlanResourceChange)
}

func (s *waveSerialServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return inTurn(ctx, s, req.TypeName, req, s.protocolServer.ApplyResourceChange)
}

func (s *waveSerialServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return inTurn(ctx, s, req.TypeName, req, s.protocolServer.ImportResourceState)
}

func (s *waveSerialServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return inTurn(ctx, s, req.TypeName, req, s.protocolServer.UpgradeResourceState)
}
