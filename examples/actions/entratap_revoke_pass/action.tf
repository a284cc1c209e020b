# Revoke a user's pass now: terraform apply -invoke=action.entratap_revoke_pass.lost_laptop
action "entratap_revoke_pass" "lost_laptop" {
  config {
    user_id = "alice@contoso.com"
  }
}

# Or from a resource's lifecycle: revoke a user's previous pass each time a
# recovery record for that user is created (terraform_data stands for any resource).
resource "terraform_data" "recovery_ticket" {
  input = "INC-4711"

  lifecycle {
    action_trigger {
      events  = [before_create]
      actions = [action.entratap_revoke_pass.lost_laptop]
    }
  }
}
