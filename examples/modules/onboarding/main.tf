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
