package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The testing guide's tables of the mock's flags and controls, read from its template.
func guideTables(t *testing.T) (flags, controls []string) {
	t.Helper()
	raw, err := os.ReadFile("../../templates/guides/testing-offline.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	table := func(after string) []string {
		i := strings.Index(string(raw), after)
		if i < 0 {
			t.Fatalf("the testing guide has no %q", after)
		}
		var rows []string
		started := false
		for _, l := range strings.Split(string(raw[i:]), "\n")[1:] {
			switch {
			case strings.HasPrefix(l, "|"):
				started = true
				rows = append(rows, l)
			case started:
				return rows[2:] // after the header and its rule
			}
		}
		return rows
	}
	return table("Flags (`bin/graphmock --help`):"), table("## Controls")
}

// cells splits a table row.
func cells(row string) []string {
	parts := strings.Split(strings.Trim(row, "|"), " | ")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

var (
	helpFlagRe    = regexp.MustCompile(`(?m)^  -([a-z-]+)`)
	helpDefaultRe = regexp.MustCompile(`\(default "?([^")]*)"?\)\s*$`)
	guideFlagRe   = regexp.MustCompile("`--([a-z-]+)")
)

// TestCommand_TestingGuideFlags: the testing guide's flags table names every flag of
// --help, no other, and the default --help gives for each flag on a row of its own.
func TestCommand_TestingGuideFlags(t *testing.T) {
	t.Parallel()
	var stdout, stderr syncBuffer
	if code := run(context.Background(), []string{"--help"}, &stdout, &stderr); code != 2 {
		t.Fatalf("exit %d", code)
	}
	help := stderr.String()
	defaults := map[string]string{}
	blocks := helpFlagRe.FindAllStringSubmatchIndex(help, -1)
	for i, b := range blocks {
		end := len(help)
		if i+1 < len(blocks) {
			end = blocks[i+1][0]
		}
		name := help[b[2]:b[3]]
		defaults[name] = ""
		if m := helpDefaultRe.FindStringSubmatch(strings.TrimSpace(help[b[0]:end])); m != nil {
			defaults[name] = m[1]
		}
	}
	rows, _ := guideTables(t)
	documented := map[string]bool{}
	for _, row := range rows {
		c := cells(row)
		names := guideFlagRe.FindAllStringSubmatch(c[0], -1)
		for _, n := range names {
			documented[n[1]] = true
			def, ok := defaults[n[1]]
			switch {
			case !ok:
				t.Errorf("the testing guide documents --%s, which graphmock does not have", n[1])
			case len(names) == 1 && def != "" && !sameDefault(c[1], def):
				t.Errorf("the testing guide gives --%s the default %s, --help says %q", n[1], c[1], def)
			}
		}
	}
	for name := range defaults {
		if name != "help" && !documented[name] {
			t.Errorf("the testing guide's flags table lacks --%s", name)
		}
	}
}

// sameDefault: the table's cell shows def in backticks (a duration in any spelling).
func sameDefault(cell, def string) bool {
	for _, m := range regexp.MustCompile("`([^`]*)`").FindAllStringSubmatch(cell, -1) {
		if m[1] == def {
			return true
		}
		d1, err1 := time.ParseDuration(m[1])
		d2, err2 := time.ParseDuration(def)
		if err1 == nil && err2 == nil && d1 == d2 {
			return true
		}
	}
	return false
}

var (
	guideMethodRe = regexp.MustCompile(`\b(GET|POST|DELETE|PUT|PATCH)\b`)
	guidePathRe   = regexp.MustCompile(`(?:^|[\s` + "`" + `])(/[A-Za-z0-9_.{}/-]+)`)
	paramRe       = regexp.MustCompile(`\{[^}]*\}`)
)

// TestCommand_TestingGuideControls: the testing guide's controls table names every
// control the mock lists at GET /_mock (methods and paths), and no other.
func TestCommand_TestingGuideControls(t *testing.T) {
	t.Parallel()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	fields, _ := started(t, "--addr", "127.0.0.1:0", "--ca-file", caFile)
	resp, err := client(t, caFile).Get(fields["mock"])
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var index struct {
		Controls []string `json:"controls"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&index); err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, c := range index.Controls {
		method, p, _ := strings.Cut(c, " ")
		if p = strings.TrimPrefix(p, "/_mock"); p != "" { // GET /_mock itself: the index, told in the text
			routes[method+" "+paramRe.ReplaceAllString(p, "{}")] = true
		}
	}
	if len(routes) < 10 {
		t.Fatalf("the mock lists only %v", index.Controls)
	}
	_, rows := guideTables(t)
	documented := map[string]bool{}
	for _, row := range rows {
		first := cells(row)[0]
		methods := guideMethodRe.FindAllString(first, -1)
		for _, p := range guidePathRe.FindAllStringSubmatch(first, -1) {
			for _, m := range methods {
				key := m + " " + paramRe.ReplaceAllString(p[1], "{}")
				documented[key] = true
				if !routes[key] {
					t.Errorf("the testing guide documents %s, which the mock does not serve (row %q)", key, first)
				}
			}
		}
	}
	for r := range routes {
		if !documented[r] {
			t.Errorf("the testing guide's controls table lacks %s", r)
		}
	}
}
