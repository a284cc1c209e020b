# Runs the ephemeral-resource.tf example against the mock Graph: see README.md.
# The provider is configured by the mock's environment file (ARM_TENANT_ID,
# ARM_CLIENT_ID, ARM_CLIENT_SECRET, ENTRATAP_GRAPH_ENDPOINT, ENTRATAP_AUTHORITY_HOST).

terraform {
  required_version = ">= 1.10"
  required_providers {
    entratap = {
      source = "entratap/entratap"
    }
  }
}

provider "entratap" {}

# The mock's tenant starts with the policy disabled, as a real one does:
# ephemeral-resource.tf enables it. terraform.tfvars picks the mock's alice.

output "signed_in_user" {
  description = "The user the run signed in with a pass that no longer exists."
  value       = var.user_id
  depends_on  = [terraform_data.first_sign_in]
}
