package doctest

import (
	"strings"
	"testing"
)

func TestParseMarkers(t *testing.T) {
	doc := "# t\n\n<!-- doctest: run -->\n```sh\necho hi\n```\n\n<!-- doctest: file=x/main.tf -->\n\n```hcl\nlocals {}\n```\n" +
		"<!-- doctest: skip needs a tenant -->\n```sh\naz login\n```\n```yaml\non: push\n```\n"
	snips, err := parse("t.md", doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(snips) != 3 || snips[0].action != "run" || snips[0].body != "echo hi\n" || snips[1].arg != "x/main.tf" ||
		snips[2].action != "skip" || snips[2].arg != "needs a tenant" {
		t.Fatalf("%+v", snips)
	}
	if _, err := parse("t.md", "```sh\nrm -rf /\n```\n"); err == nil || !strings.Contains(err.Error(), "t.md:1") {
		t.Fatalf("an unmarked sh block must be an error naming it: %v", err)
	}
	if _, err := parse("t.md", "<!-- doctest: run -->\n```hcl\nlocals {}\n```\n"); err == nil {
		t.Fatal("a run marker on an hcl block must be an error")
	}
}
