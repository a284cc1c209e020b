output "codes" {
  description = "The pass code of each new hire, to hand over through a secure channel."
  value       = { for k, p in entratap_pass.this : k => p.temporary_access_pass }
  sensitive   = true
}

output "expiries" {
  description = "When each new hire's pass stops working (RFC 3339)."
  value       = { for k, p in entratap_pass.this : k => p.expiration_date_time }
}

output "usable" {
  description = "Whether each pass can sign its user in now, and if not, why (NotYetValid, Expired, OneTimeUsed, DisabledByPolicy)."
  value       = { for k, p in entratap_pass.this : k => p.is_usable ? "usable" : p.method_usability_reason }
}
