// Command demo is `make demo`: from a fresh clone to a working Temporary
// Access Pass, offline. It builds the provider and the mock Graph, starts the
// mock in the background, installs the provider as a user does (make install,
// into a HOME of its own under .demo, so the user's ~/.terraform.d and
// ~/.terraformrc are untouched), runs terraform init (offline: init finds the
// provider where make install put it), applies examples/quickstart, proves an issued code signs its user in, checks that a
// second plan is empty, and destroys. Any failure names the step and exits 1.
// It runs terraform, or tofu when there is no terraform on PATH;
// TF_ACC_TERRAFORM_PATH (as for the acceptance tests) names another binary.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
	"github.com/entratap/terraform-provider-entratap/internal/tfcli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	d := &demo{ctx: ctx}
	err := d.run()
	d.cleanup()
	if err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo FAILED at step %q: %v\n", d.step, err)
		os.Exit(1)
	}
	fmt.Printf("\ndemo OK in %s\n", time.Since(start).Round(time.Second))
}

type demo struct {
	ctx      context.Context
	step     string
	root     string // the repository
	dir      string // .demo
	work     string // .demo/work/examples/quickstart
	mockCmd  *exec.Cmd
	mock     *graphmock.Client
	tfEnv    []string
	tfBin    string // terraform or tofu: tfcli.FindPath
	tfName   string // its file name, for the step titles
	applied  bool
	mockDone chan struct{}
}

func (d *demo) begin(step string) {
	d.step = step
	fmt.Printf("\n==> %s\n", step)
}

func (d *demo) run() error {
	var err error
	if d.root, err = os.Getwd(); err != nil {
		return err
	}
	d.dir = filepath.Join(d.root, ".demo")
	cli, err := tfcli.Find(d.ctx)
	if err != nil {
		return err
	}
	d.tfBin, d.tfName = cli.Path, filepath.Base(cli.Path)
	fmt.Printf("    using %s\n", cli)
	_ = os.RemoveAll(d.dir)
	bin := filepath.Join(d.dir, "bin")

	d.begin("make install: build the provider and install it for terraform init and tofu init (HOME=.demo/home)")
	home := filepath.Join(d.dir, "home")
	makeEnv, err := homeEnv(d.ctx, home)
	if err != nil {
		return err
	}
	if err := d.cmd(d.root, makeEnv, "make", "--no-print-directory", "install", "BIN_DIR="+bin); err != nil {
		return err
	}

	d.begin("build the mock Graph")
	if err := d.cmd(d.root, nil, "go", "build", "-o", filepath.Join(bin, "graphmock"), "./cmd/graphmock"); err != nil {
		return err
	}

	d.begin("start the mock Graph in the background")
	if err := d.startMock(filepath.Join(bin, "graphmock")); err != nil {
		return err
	}

	d.begin("add two new hires to the mock tenant's \"TAP Onboarding\" group")
	for _, u := range []string{"dana", "erin"} {
		if _, err := d.mock.AddUser(d.ctx, graphmock.NewUser{
			UserPrincipalName: u + "@" + graphmock.Domain, DisplayName: strings.ToUpper(u[:1]) + u[1:] + " (new hire)",
			UserType: "Member", Groups: []string{graphmock.OnboardingGroupID},
		}); err != nil {
			return err
		}
		fmt.Printf("    %s@%s\n", u, graphmock.Domain)
	}

	d.begin("copy examples/ into .demo/work and write the new hires' variables")
	if err := d.prepareTerraform(home, graphmock.OnboardingGroupID); err != nil {
		return err
	}

	d.begin(d.tfName + " init examples/quickstart: the provider from make install, no registry, no dev override")
	if err := d.tf("init", "-input=false"); err != nil {
		return err
	}

	d.begin(d.tfName + " apply examples/quickstart")
	if err := d.tf("apply", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	d.applied = true

	d.begin("show what was created")
	if err := d.tf("output", "expiries"); err != nil {
		return err
	}
	if err := d.showMockState(); err != nil {
		return err
	}

	d.begin("prove the issued code signs dana in at the mock")
	codes, err := d.tfOutputJSON("codes")
	if err != nil {
		return err
	}
	code := codes["dana"]
	if code == "" {
		return errors.New("no code for dana in the outputs")
	}
	fmt.Printf("    code: %d characters (not shown)\n", len(code))
	if err := d.mock.SignIn(d.ctx, "dana@"+graphmock.Domain, code); err != nil {
		return fmt.Errorf("the code did not sign dana in: %w", err)
	}
	fmt.Println("    dana signed in with her Temporary Access Pass (one-time: it is now used)")
	var refused *graphmock.SignInError
	if err := d.mock.SignIn(d.ctx, "erin@"+graphmock.Domain, codes["erin"]); !errors.As(err, &refused) || refused.Reason != "NotYetValid" {
		return fmt.Errorf("erin's delayed pass must be NotYetValid before its start, got: %v", err)
	}
	fmt.Println("    erin's pass starts tomorrow morning: signing in now is refused, as it should be")

	d.begin("a second plan shows no changes")
	// -detailed-exitcode: 0 no changes, 2 changes. dana's used pass reads
	// OneTimeUsed, which is no diff without replace_when_unusable.
	if err := d.tf("plan", "-detailed-exitcode", "-input=false"); err != nil {
		return fmt.Errorf("the second plan is not empty (or failed): %w", err)
	}
	fmt.Println("    no changes")

	d.begin(d.tfName + " destroy")
	if err := d.tf("destroy", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	d.applied = false
	if err := d.checkTenantClean(); err != nil {
		return err
	}

	d.begin(d.tfName + " test in examples/modules/onboarding, against the same mock")
	onboarding := filepath.Join(filepath.Dir(d.work), "modules", "onboarding")
	// init installs the test files' helper modules, and the provider from make install.
	if err := d.cmd(onboarding, d.tfEnv, d.tfBin, "init", "-input=false"); err != nil {
		return err
	}
	return d.cmd(onboarding, d.tfEnv, d.tfBin, "test")
}

// cmd runs a command with output to the terminal.
func (d *demo) cmd(dir string, env []string, name string, args ...string) error {
	c := exec.CommandContext(d.ctx, name, args...)
	c.Dir, c.Stdout, c.Stderr = dir, os.Stdout, os.Stderr
	if env != nil {
		c.Env = env
	}
	if err := c.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

func (d *demo) tf(args ...string) error {
	return d.cmd(d.work, d.tfEnv, d.tfBin, args...)
}

func (d *demo) tfOutputJSON(name string) (map[string]string, error) {
	c := exec.CommandContext(d.ctx, d.tfBin, "output", "-json", name)
	c.Dir, c.Env, c.Stderr = d.work, d.tfEnv, os.Stderr
	out, err := c.Output()
	if err != nil {
		return nil, fmt.Errorf("%s output %s: %w", d.tfName, name, err)
	}
	var m map[string]string
	return m, json.Unmarshal(out, &m)
}

func (d *demo) startMock(path string) error {
	envFile := filepath.Join(d.dir, "mock.env")
	c := exec.Command(path, "--addr", "127.0.0.1:0", "--env-file", envFile)
	c.Stderr = os.Stderr
	out, err := c.StdoutPipe()
	if err != nil {
		return err
	}
	if err := c.Start(); err != nil {
		return err
	}
	d.mockCmd = c
	d.mockDone = make(chan struct{})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "graphmock ready") {
				ready <- sc.Text()
			}
		}
		close(d.mockDone)
	}()
	select {
	case line := <-ready:
		fmt.Println("    " + line)
	case <-d.mockDone:
		return errors.New("the mock exited before it was ready")
	case <-time.After(60 * time.Second):
		return errors.New("the mock was not ready within 60 s")
	case <-d.ctx.Done():
		return d.ctx.Err()
	}
	if d.mock, err = graphmock.NewClientFromEnvFile(envFile); err != nil {
		return err
	}
	fmt.Printf("    env file: %s\n", envFile)
	return nil
}

func (d *demo) showMockState() error {
	s, err := d.mock.State(d.ctx)
	if err != nil {
		return err
	}
	fmt.Printf("    mock tenant: policy state=%s defaultLength=%d isUsableOnce=%t; %d passes:\n",
		s.Policy.State, s.Policy.DefaultLength, s.Policy.IsUsableOnce, len(s.Passes))
	for _, p := range s.Passes {
		fmt.Printf("      user %s: pass %s, start %s, %d min, usable=%t (%s)\n", p.UserID, p.ID, p.StartDateTime.Format(time.RFC3339), p.LifetimeInMinutes, p.IsUsable, p.MethodUsabilityReason)
	}
	return nil
}

func (d *demo) checkTenantClean() error {
	d.begin("check the tenant is back to defaults with no passes")
	s, err := d.mock.State(d.ctx)
	if err != nil {
		return err
	}
	if len(s.Passes) != 0 {
		return fmt.Errorf("%d passes left in the mock tenant after destroy", len(s.Passes))
	}
	if s.Policy.State != "disabled" {
		return fmt.Errorf("policy state %s after destroy, want disabled (Microsoft's default)", s.Policy.State)
	}
	fmt.Println("    no passes; policy reset to Microsoft's defaults")
	return nil
}

// homeEnv is the environment with HOME at home (created): see tfcli.HomeEnv.
func homeEnv(ctx context.Context, home string) ([]string, error) {
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	return tfcli.HomeEnv(ctx, os.Environ(), home)
}

// prepareTerraform copies the examples into .demo/work (state stays out of
// the source tree), writes the new hires' variables, and sets the CLI's
// environment: HOME at home, where make install put the provider.
func (d *demo) prepareTerraform(home, groupID string) error {
	workRoot := filepath.Join(d.dir, "work", "examples")
	for _, sub := range []string{"quickstart", filepath.Join("modules", "onboarding")} {
		if err := copyDir(filepath.Join(d.root, "examples", sub), filepath.Join(workRoot, sub)); err != nil {
			return err
		}
	}
	d.work = filepath.Join(workRoot, "quickstart")
	tomorrow := time.Now().UTC().Add(24 * time.Hour).Truncate(24 * time.Hour).Add(8 * time.Hour).Format(time.RFC3339)
	vars := map[string]any{
		"onboarding_group_id": groupID,
		"new_hires": map[string]any{
			"dana": map[string]any{"user_id": "dana@contoso.example", "lifetime_in_minutes": 60},
			"erin": map[string]any{"user_id": "erin@contoso.example", "start_date_time": tomorrow, "lifetime_in_minutes": 480},
		},
	}
	vb, _ := json.MarshalIndent(vars, "", "  ")
	if err := os.WriteFile(filepath.Join(d.work, "terraform.tfvars.json"), vb, 0o644); err != nil {
		return err
	}
	fmt.Printf("    %s\n    erin starts at %s\n", d.work, tomorrow)

	env, err := homeEnv(d.ctx, home)
	if err != nil {
		return err
	}
	for k, v := range d.mock.Env {
		env = append(env, k+"="+v)
	}
	d.tfEnv = append(env, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "ARM_USE_CLI=false")
	return nil
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if e.IsDir() {
			if e.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if strings.HasSuffix(e.Name(), ".tfstate") || strings.HasPrefix(e.Name(), ".terraform") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// cleanup destroys what a failed run left and stops the mock.
func (d *demo) cleanup() {
	if d.applied && d.ctx.Err() == nil {
		fmt.Println("\n==> cleanup: " + d.tfName + " destroy")
		_ = d.tf("destroy", "-auto-approve", "-input=false")
	}
	if d.mockCmd != nil && d.mockCmd.Process != nil {
		_ = d.mockCmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.mockDone:
		case <-time.After(5 * time.Second):
			_ = d.mockCmd.Process.Kill()
		}
		_ = d.mockCmd.Wait()
		fmt.Println("==> mock Graph stopped")
	}
}
