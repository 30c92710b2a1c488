# Step 2 of offboarding, in a later apply: the apps have moved, so the leaver's
# seat can go. The transfer stays in the configuration: if the leaver deploys
# another app before the seat is revoked, the plan transfers it too.
terraform {
  # Tested with Terraform 1.11 and OpenTofu 1.10; import blocks need 1.5.
  required_version = ">= 1.5.0"

  required_providers {
    dashenterprise = {
      source  = "plotly-community/dashenterprise"
      version = "~> 0.1"
    }
  }
}

provider "dashenterprise" {
  orphan_protection = "error"
}

variable "leaver" {
  type    = string
  default = "dave"
}

variable "heir" {
  type    = string
  default = "erin"
}

resource "dashenterprise_license_seat" "heir" {
  username = var.heir
}

resource "dashenterprise_app_transfer" "offboarding" {
  from_username = var.leaver
  to_username   = dashenterprise_license_seat.heir.username
}
