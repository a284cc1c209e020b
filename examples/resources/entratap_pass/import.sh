# <user_id>/<pass_id>: the user's object id or user principal name, a slash,
# and the pass's id. Graph never returns the code again: after an import,
# temporary_access_pass stays null.
terraform import entratap_pass.new_hire new.hire@contoso.com/6f5d2c1e-4b8a-4c1e-9d3f-0a1b2c3d4e5f
