# The policy is a singleton of the tenant: its id is always TemporaryAccessPass.
terraform import entratap_policy.this TemporaryAccessPass
