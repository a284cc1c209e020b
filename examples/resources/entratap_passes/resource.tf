# A semester's intake: one pass per student, from the first morning of term,
# for a working day. Adding a student issues one pass; removing one deletes
# that pass; changing one replaces that pass only.
resource "entratap_passes" "intake" {
  passes = {
    "s1001" = { user_id = "ada@contoso.com", start_date_time = "2027-02-01T07:00:00Z", lifetime_in_minutes = 480 }
    "s1002" = { user_id = "ben@contoso.com", start_date_time = "2027-02-01T07:00:00Z", lifetime_in_minutes = 480 }
    "s1003" = { user_id = "cem@contoso.com", is_usable_once = true }
  }
}

output "intake_codes" {
  value     = entratap_passes.intake.codes
  sensitive = true
}

# Entries whose pass could not be issued: named in the apply's diagnostics,
# tried again by the next apply.
output "intake_not_issued" {
  value = [for k, p in entratap_passes.intake.issued : k if p.id == null]
}
