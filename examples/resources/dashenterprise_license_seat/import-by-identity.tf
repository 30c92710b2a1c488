terraform {
  required_version = ">= 1.12.0" # import by identity (OpenTofu 1.12 too)
}

# Terraform 1.12+ or OpenTofu 1.12+: import by the seat's identity.
import {
  to = dashenterprise_license_seat.alice
  identity = {
    username = "alice"
  }
}

resource "dashenterprise_license_seat" "alice" {
  username = "alice"
}
