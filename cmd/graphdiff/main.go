// Command graphdiff runs the conformance scenarios against the mock or a live tenant and
// records what came back, normalised, so that two runs can be compared:
//
//	graphdiff record [-out FILE] [-max-users N] [-replace-existing-pass]
//	graphdiff compare A.json B.json
//
// Without ENTRATAP_DIFF_TENANT_ID, record starts a mock of its own (ENTRATAP_DIFF_MOCK_SETTINGS
// switches its disputed behaviours). With it, the run goes to that tenant (never in CI): see
// docs/guides/testing-offline.md, "Check the mock against your own tenant". compare prints
// every difference and exits 1 when there is any.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is the command, with its environment passed in (tests give their own).
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: graphdiff record [-out FILE] [-max-users N] [-replace-existing-pass] | graphdiff compare A B")
		return 2
	}
	switch args[0] {
	case "record":
		return runRecord(args[1:], getenv, stdout, stderr)
	case "compare":
		return runCompare(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "graphdiff: unknown subcommand %q (record or compare)\n", args[0])
	return 2
}

func runRecord(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "write the record here (default: standard output)")
	maxUsers := fs.Int("max-users", 25, "refuse a tenant with more users than this")
	replace := fs.Bool("replace-existing-pass", false, "let the run replace the test user's existing Temporary Access Pass")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rec, err := recordTarget(ctx, getenv, options{maxUsers: *maxUsers, replaceExisting: *replace})
	if err != nil {
		fmt.Fprintln(stderr, "graphdiff:", err)
		return 1
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<id>", not "\u003cid\u003e"
	enc.SetIndent("", "  ")
	_ = enc.Encode(rec)
	if *out == "" {
		_, _ = stdout.Write(b.Bytes())
		return 0
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(stderr, "graphdiff:", err)
		return 1
	}
	return 0
}

// recordTarget builds the target the environment names, records a run, and stops it.
func recordTarget(ctx context.Context, getenv func(string) string, opts options) (*Record, error) {
	t, err := newTarget(getenv)
	if err != nil {
		return nil, err
	}
	defer t.close()
	return record(ctx, t, opts)
}

func runCompare(args []string, stdout, stderr io.Writer) int {
	if len(args) != 2 {
		fmt.Fprintln(stderr, "usage: graphdiff compare A B")
		return 2
	}
	var recs [2]*Record
	for i, path := range args {
		b, err := os.ReadFile(path)
		if err == nil {
			recs[i] = &Record{}
			err = json.Unmarshal(b, recs[i])
		}
		if err != nil {
			fmt.Fprintln(stderr, "graphdiff:", errors.Join(fmt.Errorf("%s", path), err))
			return 2
		}
	}
	diffs := Compare(recs[0], recs[1])
	fmt.Fprintf(stdout, "A: %s (%s), B: %s (%s)\n", args[0], recs[0].Target, args[1], recs[1].Target)
	for _, d := range diffs {
		fmt.Fprintln(stdout, d)
	}
	if len(diffs) > 0 {
		fmt.Fprintf(stdout, "%d differences\n", len(diffs))
		return 1
	}
	fmt.Fprintln(stdout, "no differences")
	return 0
}
