// Package doctest runs the snippets of README.md and docs/guides/*.md as a reader
// would: in order, in one shell per document, in a fresh copy of the repository,
// against the mock Graph. Its test (TestDocs, under TF_ACC=1, so `make test` runs it)
// fails naming the snippet that broke.
//
// Every sh or hcl fenced block carries a marker on the line before it:
//
//	<!-- doctest: run -->         an sh block, run in the document's shell
//	<!-- doctest: file=PATH -->   an hcl (or any) block, written to PATH relative to the shell's directory
//	<!-- doctest: skip REASON --> not run (it needs a real tenant, or only illustrates); counted as skipped
//
// Every document runs with HOME at a temporary directory (Go keeps its caches), so make install
// and terraform init touch nothing of the machine's. README.md and the testing guide run from a
// bare copy of the repository: their own steps install or build the binaries and start the mock.
// TestReadmeQuickstartOpenTofu runs the README's quickstart again with OpenTofu for terraform
// (ENTRATAP_TOFU, else tofu on PATH; skipped without it). Each other guide runs in a fresh copy where the README's
// setup is done for it (make dev, a new mock, .mock.env sourced, TF_CLI_CONFIG_FILE set).
package doctest
