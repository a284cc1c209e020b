# The end of an onboarding wave: revoke the passes the wave's members still
# hold, leaving the next wave's (not yet valid) passes alone.
# terraform apply -invoke=action.entratap_revoke_group_passes.wave_done
action "entratap_revoke_group_passes" "wave_done" {
  config {
    group_id  = "0b0a4d00-0000-4000-8000-0000000000a1"
    usability = ["usable", "expired_or_used", "disabled_by_policy"]
  }
}
