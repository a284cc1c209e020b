data "entratap_caller" "me" {}

# A configuration meant to be run by the service desk, as themselves (az login):
# warn when it runs as anything but an Authentication Administrator.
check "runs_as_an_authentication_administrator" {
  assert {
    condition     = data.entratap_caller.me.kind == "user" && contains(data.entratap_caller.me.directory_roles, "Authentication Administrator")
    error_message = "Run this configuration signed in (az login) as an Authentication Administrator."
  }
}

output "caller" {
  value = "${data.entratap_caller.me.kind} ${data.entratap_caller.me.object_id}"
}
