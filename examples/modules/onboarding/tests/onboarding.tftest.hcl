# Runs against the mock Graph (see the "Testing your modules offline" guide):
# source the mock's env file, set TF_CLI_CONFIG_FILE to a dev override, then
# `terraform test` in this directory.

run "issues_a_pass_per_user" {
  variables {
    users = {
      bob   = { user_id = "bob@contoso.example", lifetime_in_minutes = 120 }
      carol = { user_id = "carol@contoso.example" }
    }
  }

  assert {
    condition     = length(output.codes) == 2 && alltrue([for c in values(output.codes) : length(c) >= 8])
    error_message = "every user must get a code of at least 8 characters"
  }

  assert {
    condition     = timecmp(output.expiries["bob"], plantimestamp()) > 0
    error_message = "bob's pass must expire in the future"
  }
}
