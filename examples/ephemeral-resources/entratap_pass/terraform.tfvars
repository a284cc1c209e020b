user_id = "alice@contoso.example" # one of the mock tenant's users
