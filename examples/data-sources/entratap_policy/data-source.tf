data "entratap_policy" "current" {}

output "tap_policy" {
  value = {
    enabled          = data.entratap_policy.current.enabled
    lifetime_range   = "${data.entratap_policy.current.minimum_lifetime_in_minutes}-${data.entratap_policy.current.maximum_lifetime_in_minutes} min"
    one_time         = data.entratap_policy.current.is_usable_once
    code_length      = data.entratap_policy.current.default_length
    included_targets = data.entratap_policy.current.include_targets
  }
}
