# Runs against the mock Graph (see the "Testing your modules offline" guide):
# with the mock's env file sourced and TF_CLI_CONFIG_FILE set to a dev override,
# `terraform get && terraform test` in this directory. The helpers under
# tests/helpers work offline (terraform_data and curl): copy them.

run "reset" {
  module {
    source = "./tests/helpers/reset"
  }
}

run "policy" {
  module {
    source = "./tests/setup"
  }
}

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

run "bob_signs_in" {
  module {
    source = "./tests/helpers/signin"
  }
  variables {
    user = "bob@contoso.example"
    code = run.issues_a_pass_per_user.codes["bob"]
  }
}

run "a_used_pass_is_refused" {
  module {
    source = "./tests/helpers/signin"
  }
  variables {
    user   = "bob@contoso.example"
    code   = run.issues_a_pass_per_user.codes["bob"]
    expect = "OneTimeUsed"
  }
}

run "three_hours_later" {
  module {
    source = "./tests/helpers/clock"
  }
  variables {
    advance = "3h"
  }
}

run "passes_report_why_they_no_longer_work" {
  command = plan
  variables {
    users = {
      bob   = { user_id = "bob@contoso.example", lifetime_in_minutes = 120 }
      carol = { user_id = "carol@contoso.example" }
    }
  }

  assert {
    condition     = output.usable["bob"] == "OneTimeUsed" && output.usable["carol"] == "Expired"
    error_message = "bob's pass must read as used and carol's (60 minutes) as expired"
  }
}
