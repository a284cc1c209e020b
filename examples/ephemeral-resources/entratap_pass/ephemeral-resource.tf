# A pass that lives only while Terraform runs. Terraform opens ephemeral
# resources during plan and again during apply: each opening issues a pass,
# and closing the resource at the end of the command revokes it
# (revoke_on_close defaults to true). The code never reaches state or plan.
# Every plan issues a pass: gate a hand-over behind a variable (see below).
variable "user_id" {
  description = "The user who gets the run-scoped pass: object id or user principal name."
  type        = string
}

resource "entratap_policy" "this" {
  enabled = true # sign-in needs a policy that is enabled for the user
}

ephemeral "entratap_pass" "first_sign_in" {
  user_id             = var.user_id
  lifetime_in_minutes = 60
  is_usable_once      = true

  # Sign-in needs a policy that is enabled for the user.
  depends_on = [entratap_policy.this]
}

# Use the code during the run. Here a provisioner signs the user in at the
# mock Graph ($ENTRATAP_MOCK_URL, from the mock's env file); a real run might
# register a passwordless method with it.
# Terraform hides the output of a command that uses an ephemeral value.
resource "terraform_data" "first_sign_in" {
  triggers_replace = [var.user_id]

  provisioner "local-exec" {
    command = <<-EOT
      curl -sS --fail-with-body --cacert "$SSL_CERT_FILE" \
        -H 'Content-Type: application/json' \
        --data "{\"user\":\"$TAP_USER\",\"temporaryAccessPass\":\"$TAP_CODE\"}" \
        "$ENTRATAP_MOCK_URL/signin"
    EOT
    environment = {
      TAP_USER = ephemeral.entratap_pass.first_sign_in.user_object_id
      TAP_CODE = ephemeral.entratap_pass.first_sign_in.temporary_access_pass
    }
  }
}

# Handing the code to someone instead: store it through a write-only argument
# (kept out of state) and leave the pass to the user with revoke_on_close = false.
# Plan and apply both open the resource, so the apply finds the pass its own
# plan left: replace_existing = true replaces it, and the apply's pass stays.
# Every command that opens the resource issues a new pass and replaces the
# previous one, invalidating the code already handed over: gate it behind a
# variable so only a deliberate run (-var issue_handover=true) issues.
#
# ephemeral "entratap_pass" "handover" {
#   count            = var.issue_handover ? 1 : 0
#   user_id          = "new.hire@contoso.com"
#   revoke_on_close  = false
#   replace_existing = true
# }
#
# resource "azurerm_key_vault_secret" "handover" {
#   name             = "tap-new-hire"
#   key_vault_id     = azurerm_key_vault.onboarding.id
#   count            = var.issue_handover ? 1 : 0
#   value_wo         = ephemeral.entratap_pass.handover[0].temporary_access_pass
#   value_wo_version = 2 # bump to store the code of a new pass
# }
