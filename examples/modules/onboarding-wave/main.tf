# Issues a Temporary Access Pass to each user of an onboarding wave (a
# semester's students, a merger's staff) through one entratap_passes resource:
# Terraform handles one object, and Graph is read and written 20 passes to a
# request. Use the onboarding module for a handful of new hires.

terraform {
  required_version = ">= 1.10"
  required_providers {
    entratap = {
      source = "entratap/entratap"
    }
  }
}

# Each key's chunk, from a hash of the key alone: the same on every run, whatever the other keys.
locals {
  chunk_of = { for k in keys(var.users) : k => tostring(parseint(substr(sha1(k), 0, 6), 16) % var.chunks) }
}

resource "entratap_passes" "wave" {
  for_each = toset([for i in range(var.chunks) : tostring(i)])

  passes = {
    for k, u in var.users : k => {
      user_id             = u.user_id
      start_date_time     = u.start_date_time
      lifetime_in_minutes = u.lifetime_in_minutes
      is_usable_once      = u.is_usable_once
    } if local.chunk_of[k] == each.key
  }
  replace_existing = var.replace_existing

  lifecycle {
    # A wave that could not issue every pass fails the run, also on its first apply (where the
    # resource only warns: a failed create would taint it, and the next apply replace every
    # pass). The passes that were issued stay in state with their codes.
    postcondition {
      condition     = length(self.not_issued) == 0
      error_message = "Passes not issued (the next apply tries them again): ${join("; ", [for k, why in self.not_issued : "${k}: ${why}"])}"
    }
  }
}

# The wave was one resource before chunks: its state moves to the first chunk, with no change.
moved {
  from = entratap_passes.wave
  to   = entratap_passes.wave["0"]
}
