variable "users" {
  description = <<-EOT
    The wave, keyed by a name of your choice (a student number, an email).
    user_id is the user's object id or user principal name; start_date_time
    (RFC 3339) delays the pass, e.g. to the first morning of term;
    lifetime_in_minutes and is_usable_once default to the tenant policy's.
  EOT
  type = map(object({
    user_id             = string
    start_date_time     = optional(string)
    lifetime_in_minutes = optional(number)
    is_usable_once      = optional(bool)
  }))
}

variable "replace_existing" {
  description = "Replace a live pass that a user already holds from outside this module (a user holds at most one)."
  type        = bool
  default     = false
}
