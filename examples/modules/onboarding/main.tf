# Issues a Temporary Access Pass to each new hire, for their first sign-in:
# they register Authenticator, a FIDO2 key or Windows Hello with it.

terraform {
  required_version = ">= 1.10"
  required_providers {
    entratap = {
      source = "entratap/entratap"
    }
  }
}

resource "entratap_pass" "this" {
  for_each = var.users

  user_id               = each.value.user_id
  start_date_time       = each.value.start_date_time
  lifetime_in_minutes   = each.value.lifetime_in_minutes
  replace_existing      = var.replace_existing
  replace_when_unusable = var.replace_when_unusable
}

# Hand-over without the code in state: an ephemeral pass, issued only in a run
# that asks for it (-var issue_handover=true). Terraform opens an ephemeral
# resource in every plan and apply, so an ungated one would issue a new pass,
# and invalidate the code already handed over, in every routine plan.
ephemeral "entratap_pass" "handover" {
  for_each = var.issue_handover ? var.handover_users : {}

  user_id             = each.value.user_id
  start_date_time     = each.value.start_date_time
  lifetime_in_minutes = each.value.lifetime_in_minutes
  # Leave the pass to the user; the apply replaces the pass its own plan issued.
  revoke_on_close  = false
  replace_existing = true
}

# Delivers each code during the issuing run: handover_command gets TAP_USER and
# TAP_CODE in its environment (Terraform hides its output).
resource "terraform_data" "handover" {
  for_each = var.issue_handover ? var.handover_users : {}

  triggers_replace = [plantimestamp()]

  provisioner "local-exec" {
    command = var.handover_command
    environment = {
      TAP_USER = each.value.user_id
      TAP_CODE = ephemeral.entratap_pass.handover[each.key].temporary_access_pass
    }
  }
}
