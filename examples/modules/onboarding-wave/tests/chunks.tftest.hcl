# The wave in chunks (var.chunks): each key lands in the chunk a hash of it picks, the
# outputs gather every chunk, and a key's pass stays put when others come and go. Runs
# against the mock as wave.tftest.hcl does.

run "reset" {
  module {
    source = "../onboarding/tests/helpers/reset"
  }
}

run "policy" {
  module {
    source = "../onboarding/tests/setup"
  }
}

run "three_chunks" {
  variables {
    chunks = 3
    users = {
      s1001 = { user_id = "alice@contoso.example" }
      s1002 = { user_id = "bob@contoso.example" }
      s1003 = { user_id = "carol@contoso.example" }
    }
  }

  assert {
    condition     = length(entratap_passes.wave) == 3
    error_message = "the wave must be three entratap_passes"
  }
  assert {
    condition     = sum([for w in entratap_passes.wave : length(w.passes)]) == 3 && length(output.codes) == 3
    error_message = "every student must be in exactly one chunk, and get a code"
  }
  assert {
    condition     = length(output.not_issued) == 0 && length(output.report) == 3
    error_message = "every pass must be issued and reported"
  }
}

run "a_new_student_leaves_the_others_alone" {
  variables {
    chunks = 3
    users = {
      s1001 = { user_id = "alice@contoso.example" }
      s1002 = { user_id = "bob@contoso.example" }
      s1003 = { user_id = "carol@contoso.example" }
      s1004 = { user_id = "nora@contoso.example" }
    }
  }

  assert {
    condition     = alltrue([for k, c in run.three_chunks.codes : output.codes[k] == c])
    error_message = "the passes of the first three must be kept, with their codes"
  }
  assert {
    condition     = length(output.codes) == 4
    error_message = "the new student must get a code"
  }
}
