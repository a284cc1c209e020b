# Runs against the mock Graph (see the "Testing your modules offline" guide):
# with the mock's env file sourced and the provider installed (make install,
# terraform init) or a dev override, `terraform init && terraform test` (or
# `terraform get && terraform test`) in this directory. Copy it beside your own
# wave module, with the helpers of examples/modules/onboarding/tests/helpers
# and tests/setup, and adjust the source paths.

run "reset" { # first: the file passes again on the same mock
  module {
    source = "../onboarding/tests/helpers/reset"
  }
}

run "policy" { # the mock starts with the policy disabled, as a tenant does
  module {
    source = "../onboarding/tests/setup"
  }
}

run "issues_a_pass_per_student" {
  variables {
    users = {
      s1001 = { user_id = "bob@contoso.example", lifetime_in_minutes = 120 }
      s1002 = { user_id = "carol@contoso.example", start_date_time = "2030-02-01T07:00:00Z" }
    }
  }

  assert {
    condition     = length(output.codes) == 2 && alltrue([for c in values(output.codes) : length(c) >= 8])
    error_message = "every student must get a code of at least 8 characters"
  }
  assert {
    condition     = length(output.not_issued) == 0
    error_message = "every pass must be issued"
  }
  assert {
    condition     = output.expiries["s1002"] == "2030-02-01T08:00:00Z"
    error_message = "carol's pass must start on the first morning of term and last the policy's default hour"
  }
}

run "bob_signs_in" {
  module {
    source = "../onboarding/tests/helpers/signin"
  }
  variables {
    user = "bob@contoso.example"
    code = run.issues_a_pass_per_student.codes["s1001"]
  }
}

run "carol_waits_for_term" {
  module {
    source = "../onboarding/tests/helpers/signin"
  }
  variables {
    user   = "carol@contoso.example"
    code   = run.issues_a_pass_per_student.codes["s1002"]
    expect = "NotYetValid"
  }
}

run "adding_a_student_issues_one_pass" {
  variables {
    users = {
      s1001 = { user_id = "bob@contoso.example", lifetime_in_minutes = 120 }
      s1002 = { user_id = "carol@contoso.example", start_date_time = "2030-02-01T07:00:00Z" }
      s1003 = { user_id = "alice@contoso.example" }
    }
  }

  assert {
    condition     = output.codes["s1002"] == run.issues_a_pass_per_student.codes["s1002"]
    error_message = "carol's pass must be kept, with its code"
  }
  assert {
    condition     = length(output.codes["s1003"]) >= 8
    error_message = "alice must get a code"
  }
}

run "removing_students_deletes_their_passes" {
  variables {
    users = {
      s1003 = { user_id = "alice@contoso.example" }
    }
  }

  assert {
    condition     = join(",", keys(output.codes)) == "s1003"
    error_message = "only alice's entry must be left"
  }
}

run "carols_code_no_longer_works" {
  module {
    source = "../onboarding/tests/helpers/signin"
  }
  variables {
    user   = "carol@contoso.example"
    code   = run.issues_a_pass_per_student.codes["s1002"]
    expect = "NoPass"
  }
}
