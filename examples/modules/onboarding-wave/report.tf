# The wave report: where each new hire stands on the way to the finish line (a strong method
# registered since their pass started; the provider's strong_methods say which count).
# Refreshed by every plan: `terraform plan -refresh-only` then `terraform output report`.

output "report" {
  description = "Each user's status: registered (which method, when), signed in (a one-time pass used, no strong method yet), expired without registering, or issued and not used (a multi-use pass signed in with reads so until a strong method comes)."
  value = {
    for k, p in local.issued : k => {
      status = (
        p.registered != null ? "registered" :
        p.method_usability_reason == "OneTimeUsed" ? "signed_in" :
        p.method_usability_reason == "Expired" ? "expired_without_registering" :
        p.id == null ? "not_issued" : "issued_not_used"
      )
      method     = try(p.registered.method, null)
      registered = try(p.registered.date_time, null)
      user_id    = p.user_id
    }
  }
}
