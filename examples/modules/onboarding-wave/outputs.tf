locals {
  # The entries of every chunk, by key.
  issued = merge([for w in entratap_passes.wave : w.issued]...)
}

output "codes" {
  description = "The pass code of each user of the wave (null for one not issued), to hand over through a secure channel."
  value       = merge([for w in entratap_passes.wave : w.codes]...)
  sensitive   = true
}

output "expiries" {
  description = "When each pass stops working (RFC 3339); null for an entry whose pass was not issued."
  value       = { for k, p in local.issued : k => p.expiration_date_time }
}

output "not_issued" {
  description = "The keys whose pass could not be issued, with why; the next apply tries them again."
  value       = merge([for w in entratap_passes.wave : w.not_issued]...)
}
