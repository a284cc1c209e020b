// Command releasecheck checks what `goreleaser release --snapshot` left in
// dist/ (make release-check): the registry manifest, the checksums file
// against every archive, that each provider archive holds the binary, LICENSE
// and README.md, that each mock archive does too, and that the mock's archive
// for this machine starts and prints its ready line. It prints each archive
// with its size and exits 1 naming every problem found.
//
//	go run ./cmd/releasecheck -dist dist -manifest terraform-registry-manifest.json
package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/tfcli"
)

const (
	project = "terraform-provider-entratap"
	mock    = "graphmock"
)

func main() {
	dist := flag.String("dist", "dist", "goreleaser's output directory")
	manifest := flag.String("manifest", "terraform-registry-manifest.json", "the registry manifest of the repository")
	flag.Parse()
	report, problems := check(*dist, *manifest)
	fmt.Print(report)
	if len(problems) > 0 {
		fmt.Fprintf(os.Stderr, "release-check FAILED:\n  %s\n", strings.Join(problems, "\n  "))
		os.Exit(1)
	}
	fmt.Println("release-check OK")
}

// archive is one asset named <prefix>_<version>_<os>_<arch>.<ext>.
type archive struct {
	path, name, prefix, version, goos, goarch string
	size                                      int64
}

func parseName(path string) (archive, bool) {
	name := filepath.Base(path)
	base, ok := strings.CutSuffix(name, ".zip")
	if !ok {
		if base, ok = strings.CutSuffix(name, ".tar.gz"); !ok {
			return archive{}, false
		}
	}
	for _, prefix := range []string{project, mock} {
		rest, ok := strings.CutPrefix(base, prefix+"_")
		if !ok {
			continue
		}
		parts := strings.Split(rest, "_")
		if len(parts) < 3 {
			return archive{}, false
		}
		n := len(parts)
		return archive{path: path, name: name, prefix: prefix, version: strings.Join(parts[:n-2], "_"), goos: parts[n-2], goarch: parts[n-1]}, true
	}
	return archive{}, false
}

// check returns the report (archives and sizes) and the problems found.
func check(dist, manifestPath string) (string, []string) {
	var problems []string
	fail := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }

	// The manifest: version 1, and the plugin protocol the provider serves (6.0, terraform-plugin-framework).
	raw, err := os.ReadFile(manifestPath)
	if err != nil {
		return "", []string{err.Error()}
	}
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		fail("%s: not a registry manifest: %v", manifestPath, err)
	} else if m.Version != 1 || !slices.Equal(m.Metadata.ProtocolVersions, []string{"6.0"}) {
		fail("%s: want version 1 and protocol_versions [\"6.0\"], got %d %v", manifestPath, m.Version, m.Metadata.ProtocolVersions)
	}

	var archives []archive
	entries, err := os.ReadDir(dist)
	if err != nil {
		return "", append(problems, err.Error())
	}
	var sums []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "_SHA256SUMS") {
			sums = append(sums, filepath.Join(dist, e.Name()))
		}
		if a, ok := parseName(filepath.Join(dist, e.Name())); ok {
			info, err := e.Info()
			if err != nil {
				return "", append(problems, err.Error())
			}
			a.size = info.Size()
			archives = append(archives, a)
		}
	}
	if len(sums) != 1 {
		return "", append(problems, fmt.Sprintf("%s: want one *_SHA256SUMS file, found %d", dist, len(sums)))
	}
	version := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(sums[0]), project+"_"), "_SHA256SUMS")

	// The checksums: one line per archive and the manifest, each matching.
	listed, err := readSums(sums[0])
	if err != nil {
		fail("%v", err)
	}
	want := map[string]string{}
	for _, a := range archives {
		if a.version != version {
			fail("%s: version %s, the checksums file's is %s", a.name, a.version, version)
		}
		if want[a.name], err = sha256File(a.path); err != nil {
			fail("%v", err)
		}
	}
	manifestAsset := project + "_" + version + "_manifest.json"
	want[manifestAsset] = fmt.Sprintf("%x", sha256.Sum256(raw))
	for name, sum := range want {
		switch got, ok := listed[name]; {
		case !ok:
			fail("%s: not in %s", name, filepath.Base(sums[0]))
		case got != sum:
			fail("%s: checksum %s in %s, the file's is %s", name, got, filepath.Base(sums[0]), sum)
		}
	}
	for name := range listed {
		if _, ok := want[name]; !ok {
			fail("%s lists %s, which is not in %s", filepath.Base(sums[0]), name, dist)
		}
	}

	// Each archive's files; one archive per kind and platform.
	platforms := map[string]int{}
	var hostMock *archive
	started := ""
	for i, a := range archives {
		exe := ""
		if a.goos == "windows" {
			exe = ".exe"
		}
		binary := mock + exe
		if a.prefix == project {
			binary = project + "_v" + a.version + exe
			if !strings.HasSuffix(a.name, ".zip") {
				fail("%s: the registries take zip archives only", a.name)
			}
		}
		files, err := list(a.path)
		if err != nil {
			fail("%s: %v", a.name, err)
			continue
		}
		sort.Strings(files)
		if wantFiles := sorted(binary, "LICENSE", "README.md"); !slices.Equal(files, wantFiles) {
			fail("%s: holds %v, want %v", a.name, files, wantFiles)
		}
		platforms[a.prefix+" "+a.goos+"_"+a.goarch]++
		if a.prefix == mock && a.goos == runtime.GOOS && a.goarch == runtime.GOARCH {
			hostMock = &archives[i]
		}
	}
	for p, n := range platforms {
		if n != 1 {
			fail("%s: %d archives, want one", p, n)
		}
	}
	if !slices.ContainsFunc(archives, func(a archive) bool { return a.prefix == project }) {
		fail("%s: no provider archive", dist)
	}
	if hostMock == nil {
		fail("no mock archive for this machine (%s_%s) to start", runtime.GOOS, runtime.GOARCH)
	} else if line, err := startMock(*hostMock); err != nil {
		fail("%s: %v", hostMock.name, err)
	} else {
		started = fmt.Sprintf("%s started and printed: %s\n", hostMock.name, line)
	}

	for _, a := range archives {
		if a.prefix == project && a.goos == runtime.GOOS && a.goarch == runtime.GOARCH {
			if out, err := initFromMirror(a); err != nil {
				fail("%s: terraform init from a filesystem mirror (the testing guide's \"From a release\"): %v", a.name, err)
			} else {
				started += out
			}
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%s (version %s):\n", dist, version)
	for _, a := range archives {
		fmt.Fprintf(&b, "  %-60s %6.1f MB\n", a.name, float64(a.size)/1e6)
	}
	fmt.Fprintf(&b, "  %-60s (%d entries)\n", filepath.Base(sums[0]), len(listed))
	b.WriteString(started)
	return b.String(), problems
}

func sorted(s ...string) []string { sort.Strings(s); return s }

func readSums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != 64 {
			return nil, fmt.Errorf("%s: not a sha256sum line: %q", filepath.Base(path), sc.Text())
		}
		out[name] = sum
	}
	return out, sc.Err()
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// list names the files of a zip or tar.gz archive.
func list(path string) ([]string, error) {
	var names []string
	err := walk(path, func(name string, _ io.Reader) error { names = append(names, name); return nil })
	return names, err
}

// walk calls fn for each regular file of a zip or tar.gz archive.
func walk(path string, fn func(name string, r io.Reader) error) error {
	if strings.HasSuffix(path, ".zip") {
		z, err := zip.OpenReader(path)
		if err != nil {
			return err
		}
		defer func() { _ = z.Close() }()
		for _, f := range z.File {
			if f.FileInfo().IsDir() {
				continue
			}
			r, err := f.Open()
			if err != nil {
				return err
			}
			err = fn(f.Name, r)
			_ = r.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag == tar.TypeReg {
			if err := fn(h.Name, tr); err != nil {
				return err
			}
		}
	}
}

// startMock unpacks the mock's binary, starts it on a free loopback port and
// returns its ready line; it stops the mock afterwards.
func startMock(a archive) (string, error) {
	dir, err := os.MkdirTemp("", "releasecheck-")
	if err != nil {
		return "", err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	bin := filepath.Join(dir, mock)
	err = walk(a.path, func(name string, r io.Reader) error {
		if strings.TrimSuffix(name, ".exe") != mock {
			return nil
		}
		f, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, r)
		return errors.Join(err, f.Close())
	})
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--addr", "127.0.0.1:0", "--env-file", filepath.Join(dir, "mock.env"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "graphmock ready ") {
			return sc.Text(), nil
		}
	}
	return "", fmt.Errorf("the mock exited or timed out before its ready line (%v)", ctx.Err())
}

// mirrorConfig is the CLI config of the testing guide's "From a release" recipe (a
// host can be a wildcard only with namespace and type: the addresses are spelled out).
const mirrorConfig = `provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/entratap/entratap", "registry.opentofu.org/entratap/entratap"]
  }
  direct {
    exclude = ["registry.terraform.io/entratap/entratap", "registry.opentofu.org/entratap/entratap"]
  }
}
`

// initFromMirror does what the testing guide's "From a release" recipe does with a
// provider archive: a filesystem mirror holding the zip as it is, and terraform init
// (or tofu init) of a configuration that requires this version, offline.
func initFromMirror(a archive) (string, error) {
	cli, err := tfcli.Find(context.Background())
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "releasecheck-mirror-")
	if err != nil {
		return "", err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	mirror := filepath.Join(dir, "mirror", cli.RegistryHost(), "entratap", "entratap")
	if err := os.MkdirAll(mirror, 0o755); err != nil {
		return "", err
	}
	raw, err := os.ReadFile(a.path)
	if err != nil {
		return "", err
	}
	work := filepath.Join(dir, "work")
	if err := errors.Join(os.WriteFile(filepath.Join(mirror, a.name), raw, 0o644), os.MkdirAll(work, 0o755),
		os.WriteFile(filepath.Join(dir, "mirror.tfrc"), []byte(fmt.Sprintf(mirrorConfig, filepath.Join(dir, "mirror"))), 0o644),
		os.WriteFile(filepath.Join(work, "main.tf"), []byte(fmt.Sprintf(
			"terraform {\n  required_providers {\n    entratap = { source = \"entratap/entratap\", version = %q }\n  }\n}\n", a.version)), 0o644)); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli.Path, "init", "-input=false", "-no-color")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "mirror.tfrc"), "TF_PLUGIN_CACHE_DIR=", "CHECKPOINT_DISABLE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%w\n%s", err, out)
	}
	if !strings.Contains(string(out), "Installed entratap/entratap v"+a.version) {
		return "", fmt.Errorf("init did not install entratap/entratap v%s:\n%s", a.version, out)
	}
	return fmt.Sprintf("%s init installed %s from a filesystem mirror of %s\n", cli.Name, "entratap/entratap v"+a.version, a.name), nil
}
