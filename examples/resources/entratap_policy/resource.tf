# Enable Temporary Access Passes for new hires: one-time, 10-character codes
# that live 1 to 8 hours, and never for break-glass accounts.
resource "entratap_policy" "this" {
  enabled                     = true
  is_usable_once              = true
  default_length              = 10
  minimum_lifetime_in_minutes = 60
  default_lifetime_in_minutes = 60
  maximum_lifetime_in_minutes = 480

  include_targets = [
    { id = var.onboarding_group_id, target_type = "group" },
  ]
  exclude_targets = [
    { id = var.break_glass_group_id, target_type = "group" },
  ]
}

variable "onboarding_group_id" {
  type        = string
  description = "Object id of the group whose members may use a pass."
}

variable "break_glass_group_id" {
  type        = string
  description = "Object id of the group that must never use a pass."
}
