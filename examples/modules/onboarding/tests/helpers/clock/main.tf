# Test helper: moves the mock tenant's clock forward (POST $ENTRATAP_MOCK_URL/clock),
# so passes expire and delayed passes start. Copy freely.
#
#   run "a_day_later" {
#     module { source = "./tests/helpers/clock" }
#     variables { advance = "25h" }
#   }

variable "advance" {
  description = "A Go duration: 90m, 25h."
  type        = string
}

resource "terraform_data" "clock" {
  triggers_replace = [var.advance, plantimestamp()]

  provisioner "local-exec" {
    command = "curl -sS --fail-with-body --cacert \"$SSL_CERT_FILE\" -H 'Content-Type: application/json' --data \"{\\\"advance\\\":\\\"$ADVANCE\\\"}\" \"$ENTRATAP_MOCK_URL/clock\""
    environment = {
      ADVANCE = var.advance
    }
  }
}
