package tfcli

import "testing"

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		out, name, version string
		tofu               bool
		host               string
		at112, at114       bool
	}{
		{"Terraform v1.11.4\non linux_amd64\n", "Terraform", "1.11.4", false, "registry.terraform.io", false, false},
		{"Terraform v1.17.0-dev\non linux_amd64\n", "Terraform", "1.17.0-dev", false, "registry.terraform.io", true, true},
		// OpenTofu warns about a missing CLI config on stdout, before the version.
		{"\nWarning: Unable to open CLI configuration file\n\nThe CLI configuration file at \"/nope\" does not exist.\n\nOpenTofu v1.12.6\non linux_amd64\n",
			"OpenTofu", "1.12.6", true, "registry.opentofu.org", true, false},
	} {
		c, err := parseVersion("/x/cli", []byte(tc.out))
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != tc.name || c.Version != tc.version || c.OpenTofu() != tc.tofu || c.RegistryHost() != tc.host ||
			c.AtLeast(1, 12) != tc.at112 || c.AtLeast(1, 14) != tc.at114 || c.Path != "/x/cli" {
			t.Errorf("%q: got %+v (tofu %v, host %s, >=1.12 %v, >=1.14 %v)", tc.out, c, c.OpenTofu(), c.RegistryHost(), c.AtLeast(1, 12), c.AtLeast(1, 14))
		}
	}
	if _, err := parseVersion("/x/cli", []byte(`{"terraform_version":"1.11.4"}`)); err == nil {
		t.Error("want an error for output without a version line")
	}
}
