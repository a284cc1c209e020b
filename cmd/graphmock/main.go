// Command graphmock serves the mock Microsoft Graph and login endpoints over HTTPS on
// loopback, for tests, demos and benchmarks of the entratap provider.
//
//	go build -o bin/ ./cmd/graphmock && bin/graphmock --env-file .mock.env
//	bin/graphmock --print-default-seed > seed.json   # a --seed file to edit
//	bin/graphmock --help                              # every flag
//
// When ready it prints one line:
//
//	graphmock ready graph=https://127.0.0.1:PORT authority=https://127.0.0.1:PORT mock=https://127.0.0.1:PORT/_mock
//
// then the seeded tenant (ids, apps and their secrets, groups, users; also GET /_mock/seed),
// and, with --env-file, writes shell export lines (ARM_TENANT_ID, ARM_CLIENT_ID, ARM_CLIENT_SECRET,
// ENTRATAP_GRAPH_ENDPOINT, ENTRATAP_AUTHORITY_HOST, SSL_CERT_FILE, ENTRATAP_MOCK_URL).
// An env file left from an earlier run is removed at start; the file is removed again when
// SIGINT or SIGTERM stops the mock. See the graphmock package documentation for the endpoints.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run serves until ctx ends and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("graphmock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free port); loopback only unless --allow-remote")
	allowRemote := fs.Bool("allow-remote", false, "allow a listen address other than loopback; the controls (/_mock) then require the control secret in the "+graphmock.ControlSecretHeader+" header")
	controlSecret := fs.String("control-secret", "", "the control secret (with --allow-remote; default: a random one, written to the env file as ENTRATAP_MOCK_CONTROL_SECRET)")
	envFile := fs.String("env-file", "", "write shell export lines for the provider and tests to this file")
	statePath := fs.String("state", "", "keep the tenant in this JSON file across restarts (written atomically on each change)")
	seedPath := fs.String("seed", "", "JSON file with the tenant to start from instead of the default one")
	caFile := fs.String("ca-file", "", "write the CA certificate (PEM) here (default: a temporary file)")
	tokenLifetime := fs.Duration("token-lifetime", time.Hour, "lifetime of access tokens (wall time)")
	verbose := fs.Bool("verbose", false, "log every request to stderr")
	rate := fs.Float64("fault-rate", 0, "share (0-1) of Graph requests answered with a fault status")
	statuses := fs.String("fault-statuses", "429,503", "comma-separated fault statuses (429, 500, 503, 504)")
	retryAfter := fs.String("fault-retry-after", "", "Retry-After seconds on fault answers (empty: no header)")
	latency := fs.Int("fault-latency-ms", 0, "latency added to every Graph request, in ms")
	lagReads := fs.Int("fault-replication-lag-reads", 0, "reads of a just-created object that answer 404")
	dropRate := fs.Float64("fault-drop-after-commit-rate", 0, "share (0-1) of writes whose response is dropped after the change")
	claims := fs.Int("fault-claims-challenges", 0, "Graph requests answered with a CAE claims challenge (401 insufficient_claims) that revokes their token")
	faultSeed := fs.Int64("fault-seed", 0, "seed of the fault generator")
	quota := fs.Bool("quota", false, "enforce Graph's published throttling limits (resource units per 10 s, writes per 2 min 30 s and per 5 min)")
	quotaSize := fs.String("quota-tenant-size", "medium", "tenant size for the resource-unit budget: small (3,500), medium (5,000), large (8,000) per 10 s")
	quotaScale := fs.Float64("quota-time-scale", 1, "divide the quota windows and Retry-After by this (10: the 150 s write window lasts 15 s)")
	tapQuota := fs.String("tap-quota", graphmock.TAPQuotaDirectory, "the limit that governs the pass endpoints: directory (the identity and access quota) or reports (5 requests per 10 s per app)")
	printSeed := fs.Bool("print-default-seed", false, "print the default tenant as a --seed file and exit")
	policyScope := fs.String("policy-scope", "", `a pass for a user the policy does not target (or under a disabled policy): "refuse" (400, the default) or "allow" (created, reads DisabledByPolicy); overrides the seed`)
	replication := fs.Float64("policy-replication-seconds", -1, "with policy-scope refuse: seconds (tenant clock) creates stay refused after the policy is enabled or retargeted, or the user joins a group; overrides the seed")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: graphmock [flags]\n\nServes the mock Microsoft Graph and Entra ID login endpoints over HTTPS on loopback.\n"+
			"Controls under https://HOST:PORT/_mock (no auth on loopback; with --allow-remote, the control secret): GET /_mock lists them. Flags:\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *printSeed {
		raw, _ := json.MarshalIndent(graphmock.DefaultSeed(), "", "  ")
		fmt.Fprintf(stdout, "%s\n", raw)
		return 0
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "graphmock: unexpected arguments: %v\n", fs.Args())
		return 2
	}

	faults := graphmock.Faults{Rate: *rate, LatencyMs: *latency, ReplicationLagReads: *lagReads, DropAfterCommitRate: *dropRate, ClaimsChallenges: *claims}
	for _, s := range strings.Split(*statuses, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			fmt.Fprintf(stderr, "graphmock: --fault-statuses: %q is not a number\n", s)
			return 2
		}
		faults.Statuses = append(faults.Statuses, n)
	}
	if *retryAfter != "" {
		v, err := strconv.ParseFloat(*retryAfter, 64)
		if err != nil {
			fmt.Fprintf(stderr, "graphmock: --fault-retry-after: %q is not a number of seconds\n", *retryAfter)
			return 2
		}
		faults.RetryAfterSeconds = &v
	}
	if *rate == 0 {
		faults.Statuses = nil
	}
	if err := faults.Validate(); err != nil {
		fmt.Fprintf(stderr, "graphmock: fault flags: %v\n", err)
		return 2
	}

	if *policyScope != "" {
		if err := (graphmock.Settings{PolicyScope: *policyScope}).Validate(); err != nil {
			fmt.Fprintf(stderr, "graphmock: --policy-scope: %v\n", err)
			return 2
		}
	}

	q := graphmock.Quota{Enabled: *quota, TenantSize: *quotaSize, TimeScale: *quotaScale, TAPQuota: *tapQuota}
	if err := q.Validate(); err != nil {
		fmt.Fprintf(stderr, "graphmock: quota flags: %v\n", err)
		return 2
	}
	opts := graphmock.Options{StatePath: *statePath, TokenLifetime: *tokenLifetime, FaultSeed: *faultSeed, CAFile: *caFile, Quota: q,
		AllowRemote: *allowRemote, ControlSecret: *controlSecret}
	if *controlSecret != "" && !*allowRemote {
		fmt.Fprintln(stderr, "graphmock: --control-secret needs --allow-remote (on loopback the controls are open)")
		return 2
	}
	if *allowRemote && *controlSecret == "" {
		if *envFile == "" {
			fmt.Fprintln(stderr, "graphmock: --allow-remote needs --control-secret, or --env-file to receive a generated one")
			return 2
		}
		opts.ControlSecret = rand.Text()
	}
	if *verbose {
		opts.Logf = func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }
	}
	if *seedPath != "" {
		seed, err := readSeed(*seedPath)
		if err != nil {
			fmt.Fprintf(stderr, "graphmock: --seed: %v\n", err)
			return 1
		}
		opts.Seed = &seed
	}

	if *envFile != "" {
		// A file left by a mock that did not stop cleanly must not pass for this one's.
		if err := os.Remove(*envFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(stderr, "graphmock: --env-file: %v\n", err)
			return 1
		}
	}
	srv, err := graphmock.Start(*addr, opts)
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return 1
	}
	defer func() { _ = srv.Close() }()
	srv.SetFaults(faults)
	if *policyScope != "" || *replication >= 0 {
		set := srv.Settings()
		if *policyScope != "" {
			set.PolicyScope = *policyScope
		}
		if *replication >= 0 {
			set.PolicyReplicationSeconds = *replication
		}
		if err := set.Validate(); err != nil {
			fmt.Fprintf(stderr, "graphmock: settings flags: %v\n", err)
			return 2
		}
		srv.SetSettings(set)
	}
	if *envFile != "" {
		if err := srv.WriteEnvFile(*envFile); err != nil {
			fmt.Fprintf(stderr, "graphmock: --env-file: %v\n", err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "graphmock ready graph=%s authority=%s mock=%s/_mock\n", srv.URL, srv.URL, srv.URL)
	fmt.Fprint(stdout, srv.SeedInfo().String())
	if *envFile != "" {
		defer func() { _ = os.Remove(*envFile) }() // a clean stop leaves no file pointing at a dead port
	}

	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "graphmock: shutdown: %v\n", err)
		return 1
	}
	return 0
}

func readSeed(path string) (graphmock.Seed, error) {
	var s graphmock.Seed
	f, err := os.Open(path)
	if err != nil {
		return s, err
	}
	defer func() { _ = f.Close() }()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}
