terraform {
  required_version = ">= 1.12.0" # import by identity (OpenTofu 1.12 too)
}

# Terraform 1.12+ or OpenTofu 1.12+: import the authoritative seat set by its identity.
import {
  to = dashenterprise_license_seats.all
  identity = {
    role = "licensed_user"
  }
}

resource "dashenterprise_license_seats" "all" {
  usernames = ["alice", "bob"]
}
