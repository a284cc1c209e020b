# passes.tfquery.hcl: run `terraform query` (Terraform 1.14+) to see who holds
# a pass, or `terraform query -generate-config-out=adopted.tf` to write an
# entratap_pass block and an import block for each one.

# The passes of a group's members, nested groups included.
list "entratap_pass" "onboarding" {
  provider = entratap
  config {
    group_id  = "0b0a4d00-0000-4000-8000-0000000000a1"
    usability = ["usable", "not_yet_valid"]
  }
}

# Every pass in the tenant that can no longer be used (audit, clean-up).
list "entratap_pass" "stale" {
  provider = entratap
  config {
    all_users = true
    usability = ["expired_or_used"]
  }
}

# Named users.
list "entratap_pass" "named" {
  provider = entratap
  config {
    user_ids = ["alice@contoso.com", "b0b00000-0000-4000-8000-000000000002"]
  }
}
