# Test helper: puts the mock back to its seed tenant, clock included
# (POST $ENTRATAP_MOCK_URL/reset). Make it the first run of a test file, so
# the file passes again on the same mock. Copy freely.
#
#   run "reset" {
#     module { source = "./tests/helpers/reset" }
#   }

resource "terraform_data" "reset" {
  triggers_replace = [plantimestamp()]

  provisioner "local-exec" {
    command = "curl -sS --fail-with-body --cacert \"$SSL_CERT_FILE\" -X POST \"$ENTRATAP_MOCK_URL/reset\""
  }
}
