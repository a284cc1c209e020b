# Test fixture: the tenant policy enabled (the mock starts with it disabled, as
# a real tenant does), one-time passes for every user.
terraform {
  required_providers {
    entratap = {
      source = "entratap/entratap"
    }
  }
}

resource "entratap_policy" "this" {
  enabled        = true
  is_usable_once = true
}
