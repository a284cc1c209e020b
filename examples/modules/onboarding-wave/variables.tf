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

variable "chunks" {
  description = <<-EOT
    How many entratap_passes resources the wave is split into, each key into
    the one a hash of the key picks (the same on every run). The provider
    handles one chunk at a time, so its memory is one chunk's: about 45 KB an
    entry, so 500 to 1,000 entries a chunk keep it under 100 MB. Choose it once:
    changing it moves entries between chunks, and a moved entry's user still
    holds the pass of its old chunk, which the new chunk does not replace unless
    replace_existing is set for that apply.
  EOT
  type        = number
  default     = 1
  nullable    = false
  validation {
    condition     = var.chunks >= 1 && var.chunks <= 100 && floor(var.chunks) == var.chunks
    error_message = "chunks must be a whole number from 1 to 100."
  }
}
