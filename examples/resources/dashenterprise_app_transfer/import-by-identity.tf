terraform {
  required_version = ">= 1.12.0" # import by identity (OpenTofu 1.12 too)
}

# Terraform 1.12+ or OpenTofu 1.12+: import by the transfer's identity.
import {
  to = dashenterprise_app_transfer.dave_to_erin
  identity = {
    from_username = "dave"
    to_username   = "erin"
  }
}

resource "dashenterprise_app_transfer" "dave_to_erin" {
  from_username = "dave"
  to_username   = "erin"
}
