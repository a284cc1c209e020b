# Terraform 1.12+: the policy is a singleton; tenant_id is optional and, when
# given, must be the tenant the provider signs in to.
import {
  to = entratap_policy.this
  identity = {
    id        = "TemporaryAccessPass"
    tenant_id = "7e4a4700-c0de-4000-8000-00000000e1d0"
  }
}
