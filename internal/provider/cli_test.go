package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/entratap/terraform-provider-entratap/internal/tfcli"
)

// testCLI is the Terraform or OpenTofu the acceptance tests run, found by
// prepareCLI; zero without TF_ACC.
var testCLI tfcli.CLI

// prepareCLI readies the environment for whichever CLI runs the tests, so
// that OpenTofu works with no extra variables: a CLI config file that exists
// (OpenTofu prints a warning for a missing one on stdout, where the testing
// framework expects `version -json`), OpenTofu's registry host for the
// in-process provider's address, and tofu itself when there is no terraform.
// It returns the clean-up; on failure it exits, as nothing has started yet.
func prepareCLI() func() {
	cleanup := func() {}
	if os.Getenv("TF_ACC") == "" {
		return cleanup
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "preparing the CLI for the acceptance tests:", err)
		os.Exit(1)
	}
	// An empty CLI config of our own: the user's must not change the runs.
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f == "" || !exists(f) {
		tmp, err := os.CreateTemp("", "entratap-test-*.tfrc")
		if err != nil {
			fail(err)
		}
		tmp.Close()
		if f != "" {
			fmt.Fprintf(os.Stderr, "TF_CLI_CONFIG_FILE names %s, which does not exist: the tests use an empty CLI config instead\n", f)
		}
		os.Setenv("TF_CLI_CONFIG_FILE", tmp.Name())
		cleanup = func() { os.Remove(tmp.Name()) }
	}
	// Without TF_ACC_TERRAFORM_PATH or a terraform on PATH, the testing
	// framework would download Terraform; use the tofu on PATH instead.
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" && os.Getenv("TF_ACC_TERRAFORM_VERSION") == "" {
		if p, err := tfcli.FindPath(); err == nil && filepath.Base(p) != "terraform" {
			os.Setenv("TF_ACC_TERRAFORM_PATH", p)
		}
	}
	p, err := tfcli.FindPath()
	if err != nil && os.Getenv("TF_ACC_TERRAFORM_VERSION") != "" {
		// The framework downloads this Terraform release itself.
		testCLI = tfcli.CLI{Name: "Terraform", Version: os.Getenv("TF_ACC_TERRAFORM_VERSION")}
		return cleanup
	}
	if err != nil {
		fail(err)
	}
	if testCLI, err = tfcli.Detect(context.Background(), p); err != nil {
		fail(err)
	}
	// The framework names the in-process provider registry.terraform.io/hashicorp/entratap
	// unless told otherwise; OpenTofu resolves "entratap" in its own registry.
	if testCLI.OpenTofu() && os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		os.Setenv("TF_ACC_PROVIDER_HOST", testCLI.RegistryHost())
	}
	fmt.Fprintf(os.Stderr, "acceptance tests run %s\n", testCLI)
	return cleanup
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// logVersionLine is what the CLI's TRACE log starts with: the logging checks
// look for it to know the CLI's part of the log was captured.
func logVersionLine() string { return testCLI.Name + " version: " }

// logProviderAddr marks the in-process provider's log lines.
func logProviderAddr() string {
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	return "tf_provider_addr=" + host + "/hashicorp/entratap"
}
