package graphmock

// Persistence (--state): the tenant is written to a temporary file and renamed over the
// state file after every change, so a crash leaves the old or the new state, never half.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const stateVersion = 1

// stateFile is the state file: the directory, the passes (codes as salted hashes only)
// and the tenant clock's offset from wall time.
type stateFile struct {
	Version     int    `json:"version"`
	Seed        Seed   `json:"tenant"`
	Passes      []Pass `json:"passes"`
	ClockOffset string `json:"clockOffset"`
}

// loadState reads the state file. No path or no file: nil, nil. Any other problem is an
// error naming the file, which is left as it is.
func loadState(path string) (*tenant, error) {
	if path == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("graphmock: cannot read state file %s: %w", path, err)
	}
	t, err := parseState(raw)
	if err != nil {
		return nil, fmt.Errorf("graphmock: state file %s is unreadable (left untouched; move it away or fix it): %w", path, err)
	}
	return t, nil
}

func parseState(raw []byte) (*tenant, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var sf stateFile
	if err := dec.Decode(&sf); err != nil {
		return nil, err
	}
	if sf.Version != stateVersion {
		return nil, fmt.Errorf("version %d is not supported (want %d)", sf.Version, stateVersion)
	}
	t, err := newTenant(sf.Seed)
	if err != nil {
		return nil, err
	}
	if sf.ClockOffset != "" {
		if t.clockOffset, err = time.ParseDuration(sf.ClockOffset); err != nil {
			return nil, fmt.Errorf("clockOffset: %w", err)
		}
	}
	for i := range sf.Passes {
		p := &sf.Passes[i]
		if p.ID == "" || p.CodeHash == "" || p.CodeSalt == "" {
			return nil, fmt.Errorf("passes[%d]: id, codeSalt and codeHash are required", i)
		}
		u := t.users[strings.ToLower(p.UserID)]
		if u == nil {
			return nil, fmt.Errorf("passes[%d]: user %q does not exist", i, p.UserID)
		}
		if t.passes[strings.ToLower(u.ID)] != nil {
			return nil, fmt.Errorf("passes[%d]: a second pass for user %q", i, p.UserID)
		}
		p.IsUsable, p.MethodUsabilityReason = false, "" // worked out when shown
		t.passes[strings.ToLower(u.ID)] = p
	}
	return t, nil
}

// saveLocked writes the state file (m.mu held); without --state it does nothing.
func (m *Mock) saveLocked() error {
	path := m.opts.StatePath
	if path == "" {
		return nil
	}
	sf := stateFile{Version: stateVersion, Seed: m.t.seed(), Passes: m.t.passList(true), ClockOffset: m.t.clockOffset.String()}
	raw, err := json.MarshalIndent(sf, "", "  ")
	if err != nil {
		return fmt.Errorf("graphmock: encode state: %w", err)
	}
	if err := writeFileAtomic(path, append(raw, '\n'), 0o600); err != nil {
		return fmt.Errorf("graphmock: write state file %s: %w", path, err)
	}
	return nil
}

// commitLocked persists a change (m.mu held). A failed write is logged; the change stays in memory.
func (m *Mock) commitLocked() {
	if err := m.saveLocked(); err != nil {
		m.logf("%v", err)
	}
}

// writeFileAtomic writes data to a temporary file beside path, syncs it and renames it over path.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() { _ = os.Remove(tmp) }() // no-op after a successful rename
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
