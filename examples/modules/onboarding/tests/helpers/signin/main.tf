# Test helper: signs a user in at the mock Graph with a pass code
# (POST $ENTRATAP_MOCK_URL/signin) and fails the run unless the answer is
# the one expected. Needs curl and the mock's env file sourced. Copy freely.
#
#   run "alice_signs_in" {
#     module { source = "./tests/helpers/signin" }
#     variables {
#       user = "alice@contoso.example"
#       code = run.issue.codes["alice"]
#     }
#   }

variable "user" {
  description = "User principal name or object id."
  type        = string
}

variable "code" {
  description = "The pass code; or leave null and set code_file."
  type        = string
  default     = null
  sensitive   = true
}

variable "code_file" {
  description = "A file holding the code (e.g. written by a hand-over command)."
  type        = string
  default     = null
}

variable "remove_code_file" {
  description = "Remove code_file after reading it (a code a test wrote)."
  type        = bool
  default     = false
}

variable "expect" {
  description = "success, or the reason of the refusal: WrongCode, Expired, NotYetValid, OneTimeUsed, DisabledByPolicy, NoPass."
  type        = string
  default     = "success"
}

resource "terraform_data" "signin" {
  triggers_replace = [var.user, var.expect, plantimestamp()]

  provisioner "local-exec" {
    command = <<-EOT
      code="$TAP_CODE"; [ -n "$code" ] || code=$(cat "$CODE_FILE")
      [ "$REMOVE_CODE_FILE" != true ] || rm -f "$CODE_FILE"
      out=$(curl -sS --cacert "$SSL_CERT_FILE" -H 'Content-Type: application/json' \
        --data "{\"user\":\"$TAP_USER\",\"temporaryAccessPass\":\"$code\"}" "$ENTRATAP_MOCK_URL/signin")
      case "$out" in
        *"\"$EXPECT\""*) ;;
        *) echo "sign-in of $TAP_USER: expected $EXPECT, got: $out" >&2; exit 1 ;;
      esac
    EOT
    environment = {
      TAP_USER         = var.user
      TAP_CODE         = var.code == null ? "" : var.code
      CODE_FILE        = var.code_file == null ? "" : var.code_file
      REMOVE_CODE_FILE = var.remove_code_file
      EXPECT           = var.expect
    }
  }
}
