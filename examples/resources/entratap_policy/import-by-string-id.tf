import {
  to = entratap_policy.this
  id = "TemporaryAccessPass"
}
