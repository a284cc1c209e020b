# The quickstart that `make demo` applies against the mock Graph. The provider
# is configured by the environment (the mock's env file): ARM_TENANT_ID,
# ARM_CLIENT_ID, ARM_CLIENT_SECRET, ENTRATAP_GRAPH_ENDPOINT, ENTRATAP_AUTHORITY_HOST.

terraform {
  required_version = ">= 1.10"
  required_providers {
    entratap = {
      source = "entratap/entratap"
    }
  }
}

provider "entratap" {}

# Passes for the "TAP Onboarding" group only: one-time, 10 characters.
resource "entratap_policy" "this" {
  enabled        = true
  is_usable_once = true
  default_length = 10
  include_targets = [
    { id = var.onboarding_group_id, target_type = "group" },
  ]
}

module "onboarding" {
  source = "../modules/onboarding"
  users = {
    for name, hire in var.new_hires : name => {
      user_id             = hire.user_id
      start_date_time     = hire.start_date_time
      lifetime_in_minutes = hire.lifetime_in_minutes
    }
  }
  # The policy decides the code length and one-time use of the passes.
  depends_on = [entratap_policy.this]
}

variable "onboarding_group_id" {
  description = "Object id of the \"TAP Onboarding\" group."
  type        = string
}

variable "new_hires" {
  description = "New hires by name: user id or UPN, optional delayed start and lifetime."
  type = map(object({
    user_id             = string
    start_date_time     = optional(string)
    lifetime_in_minutes = optional(number)
  }))
}

output "expiries" {
  value = module.onboarding.expiries
}

output "codes" {
  value     = module.onboarding.codes
  sensitive = true
}
