variable "users" {
  description = <<-EOT
    New hires, keyed by a name of your choice. user_id is the user's object id or
    user principal name; start_date_time (RFC 3339) delays the pass, e.g. to the
    first working morning; lifetime_in_minutes defaults to the tenant policy's.
  EOT
  type = map(object({
    user_id             = string
    start_date_time     = optional(string)
    lifetime_in_minutes = optional(number)
  }))
}

variable "replace_when_unusable" {
  description = "Issue a new pass on the next apply once a pass has expired or been used."
  type        = bool
  default     = false
}

variable "replace_existing" {
  description = "Replace a live pass that a user already holds from outside this module (a user holds at most one)."
  type        = bool
  default     = false
}

variable "issue_handover" {
  description = "Issue ephemeral passes to handover_users in this run and deliver them with handover_command. Leave false in routine plans: only a deliberate run issues."
  type        = bool
  default     = false
}

variable "handover_users" {
  description = "New hires whose code never reaches the state: keyed like users, issued only when issue_handover is true."
  type = map(object({
    user_id             = string
    start_date_time     = optional(string)
    lifetime_in_minutes = optional(number)
  }))
  default = {}
}

variable "handover_command" {
  description = "Shell command that delivers one code (a secret store's CLI, a ticketing hook); it receives TAP_USER and TAP_CODE in its environment."
  type        = string
  default     = "echo 'set handover_command to deliver the code of' \"$TAP_USER\" >&2; exit 1"
}
