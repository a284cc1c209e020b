# <user_id>/<pass_id>. The code stays null after an import: Graph never returns it again.
import {
  to = entratap_pass.new_hire
  id = "new.hire@contoso.com/6f5d2c1e-4b8a-4c1e-9d3f-0a1b2c3d4e5f"
}
