# Has the new hire registered a passkey, Authenticator or Windows Hello since their pass
# started? Methods come with when they were registered; no secret is ever read.
data "entratap_user_methods" "new_hire" {
  user_id = "new.hire@contoso.com"
}

output "new_hire_finished" {
  value = data.entratap_user_methods.new_hire.registered != null ? "registered ${data.entratap_user_methods.new_hire.registered.method} at ${data.entratap_user_methods.new_hire.registered.date_time}" : "not yet"
}
