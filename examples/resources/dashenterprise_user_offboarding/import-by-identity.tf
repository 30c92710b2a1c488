terraform {
  required_version = ">= 1.12.0" # import by identity (OpenTofu 1.12 too)
}

# Terraform 1.12+ or OpenTofu 1.12+: import an offboarding by its identity (also after the account was deleted).
import {
  to = dashenterprise_user_offboarding.dave
  identity = {
    username = "dave"
  }
}

resource "dashenterprise_user_offboarding" "dave" {
  username         = "dave"
  transfer_apps_to = "erin"
}
