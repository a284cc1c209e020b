# Does the new hire hold a pass, and can they use it now? The code is never readable.
data "entratap_pass" "new_hire" {
  user_id = "new.hire@contoso.com"
}

output "new_hire_pass" {
  value = data.entratap_pass.new_hire.exists ? {
    id          = data.entratap_pass.new_hire.id
    valid_until = data.entratap_pass.new_hire.expiration_date_time
    usable      = data.entratap_pass.new_hire.is_usable
    reason      = data.entratap_pass.new_hire.method_usability_reason
  } : null
}
