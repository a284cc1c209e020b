# <key>=<user_id>/<pass_id>, comma-separated: adopt passes issued elsewhere as
# entries of a wave. Graph never returns a code again: their codes stay null.
terraform import entratap_passes.intake 's1001=ada@contoso.com/6f5d2c1e-4b8a-4c1e-9d3f-0a1b2c3d4e5f,s1002=ben@contoso.com/0a1b2c3d-4e5f-4c1e-9d3f-6f5d2c1e4b8a'
