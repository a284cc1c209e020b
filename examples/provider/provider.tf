terraform {
  required_providers {
    entratap = {
      source = "entratap/entratap"
    }
  }
}

# Pick ONE way to authenticate. Every setting can also come from the
# environment variable named next to it, so pipelines written for the azuread
# provider work unchanged. With nothing configured, the provider uses the
# Azure CLI's signed-in account.

# Client secret (ARM_TENANT_ID, ARM_CLIENT_ID, ARM_CLIENT_SECRET).
provider "entratap" {
  tenant_id     = "00000000-0000-0000-0000-000000000000"
  client_id     = "11111111-1111-1111-1111-111111111111"
  client_secret = var.client_secret
}

# Client certificate (ARM_CLIENT_CERTIFICATE_PATH, ARM_CLIENT_CERTIFICATE_PASSWORD):
# provider "entratap" {
#   tenant_id                   = "00000000-0000-0000-0000-000000000000"
#   client_id                   = "11111111-1111-1111-1111-111111111111"
#   client_certificate_path     = "/secrets/terraform.pfx"
#   client_certificate_password = var.certificate_password
# }

# OIDC federated token, e.g. GitHub Actions with `permissions: id-token: write`
# (ARM_USE_OIDC=true; ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN are read automatically):
# provider "entratap" {
#   tenant_id = "00000000-0000-0000-0000-000000000000"
#   client_id = "11111111-1111-1111-1111-111111111111"
#   use_oidc  = true
# }

# AKS workload identity (AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID):
# provider "entratap" {
#   use_aks_workload_identity = true
# }

# Managed identity (ARM_USE_MSI=true; client_id selects a user-assigned identity):
# provider "entratap" {
#   use_msi = true
# }

# National clouds: environment = "usgovernment" | "usgovernmentl5" | "china" (ARM_ENVIRONMENT).
# Anything else, such as the offline mock: graph_endpoint and authority_host
# (ENTRATAP_GRAPH_ENDPOINT, ENTRATAP_AUTHORITY_HOST).

variable "client_secret" {
  type      = string
  sensitive = true
}
