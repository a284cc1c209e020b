# A new hire's first sign-in: a one-time pass for their first working day,
# usable from 08:00 UTC. The code is in the (sensitive) state.
resource "entratap_pass" "new_hire" {
  user_id             = "new.hire@contoso.com"
  start_date_time     = "2026-12-01T08:00:00Z"
  lifetime_in_minutes = 480
  is_usable_once      = true
}

# A recovery pass for the service desk that always holds a working code:
# replaced on the next apply once it has expired or been used, and whenever
# the ticket changes. Lifetime and one-time use come from the policy.
resource "entratap_pass" "recovery" {
  user_id               = "alice@contoso.com"
  replace_when_unusable = true
  triggers = {
    ticket = "INC-4711"
  }
}

# The user already has a pass issued by hand: replace it. Also needed with
# create_before_destroy, where the pass being replaced counts as not managed here.
resource "entratap_pass" "takeover" {
  user_id          = "bob@contoso.com"
  replace_existing = true

  lifecycle {
    create_before_destroy = true
  }
}

output "new_hire_pass" {
  value = {
    valid_from  = entratap_pass.new_hire.start_date_time
    valid_until = entratap_pass.new_hire.expiration_date_time
    usable_now  = entratap_pass.new_hire.method_usability_reason
  }
}

output "new_hire_code" {
  value     = entratap_pass.new_hire.temporary_access_pass
  sensitive = true
}
