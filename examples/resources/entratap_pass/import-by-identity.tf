# Terraform 1.12+: import by identity, the user's object id and the pass's id
# (`terraform query` on the entratap_pass list resource writes these for you).
import {
  to = entratap_pass.new_hire
  identity = {
    user_id = "a11ce000-0000-4000-8000-000000000001"
    id      = "6f5d2c1e-4b8a-4c1e-9d3f-0a1b2c3d4e5f"
  }
}
