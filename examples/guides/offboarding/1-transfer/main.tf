# Step 1 of offboarding: transfer every app of the leaver to the heir.
# Both keep their seats in this apply: a transfer needs both seats.
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
  # Refuse any seat revocation that would orphan apps.
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

resource "dashenterprise_license_seat" "leaver" {
  username = var.leaver
}

resource "dashenterprise_license_seat" "heir" {
  username = var.heir
}

# Referencing both seats makes sure they exist before the transfer runs.
resource "dashenterprise_app_transfer" "offboarding" {
  from_username = dashenterprise_license_seat.leaver.username
  to_username   = dashenterprise_license_seat.heir.username
}

output "apps_to_transfer" {
  value = dashenterprise_app_transfer.offboarding.transferred_apps
}
