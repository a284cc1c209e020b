# The gated hand-over: a deliberate run issues an ephemeral pass and delivers
# its code; a routine plan afterwards issues nothing, so the delivered code
# still signs the user in. (An ungated ephemeral pass fails this test.)

variables {
  users          = {}
  handover_users = { carol = { user_id = "carol@contoso.example" } }
  # Delivery for the test: a file under this directory's .terraform (git ignores it) that the sign-in
  # helper reads and removes. A real one writes to a secret store.
  handover_command = "umask 077; printf %s \"$TAP_CODE\" > .terraform/handover-test.code"
}

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

run "issue_and_hand_over" {
  variables {
    issue_handover = true
  }
}

run "routine_plan" {
  command = plan
}

run "the_handed_over_code_still_works" {
  module {
    source = "./tests/helpers/signin"
  }
  variables {
    user             = "carol@contoso.example"
    code_file        = ".terraform/handover-test.code"
    remove_code_file = true
  }
}
