# A realistic organisation: seats for a team from a CSV file, group and user
# co-owners, and the offboarding of henry, whose apps move to alice.
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

variable "team_csv" {
  description = "CSV file with the team: username,team."
  type        = string
  default     = "team.csv"
}

locals {
  team = { for m in csvdecode(file("${path.module}/${var.team_csv}")) : m.username => m }
}

data "dashenterprise_license" "this" {}

# One direct seat per team member.
resource "dashenterprise_license_seat" "team" {
  for_each = local.team
  username = each.key

  lifecycle {
    precondition {
      condition     = length(local.team) <= data.dashenterprise_license.this.purchased_seats
      error_message = "team.csv lists more people than the license has seats."
    }
  }
}

# Everyone in Data Science co-owns the forecast. Child groups do not inherit it,
# so the Forecasting team is added on its own.
resource "dashenterprise_app_coowner" "forecast_groups" {
  for_each = toset(["/Data Science", "/Data Science/Forecasting"])
  app      = "sales-forecast"
  group    = each.value
}

# Only the Data Science team and dave may view the forecast (today anyone who
# logs in can): the plan names everyone who loses access.
resource "dashenterprise_app_access" "forecast" {
  app            = "sales-forecast"
  viewer_access  = "restricted"
  viewer_users   = ["dave"]
  viewer_groups  = ["/Data Science"]
  portal_visible = true
}

# carol helps with the churn model; referencing her seat orders the apply.
resource "dashenterprise_app_coowner" "churn_carol" {
  app             = "churn-model"
  username        = dashenterprise_license_seat.team["carol"].username
  logout_sessions = true
}

# henry is leaving: his apps move to alice. His seat is revoked in a later
# change, once this transfer has been applied.
resource "dashenterprise_app_transfer" "henry" {
  from_username = dashenterprise_license_seat.team["henry"].username
  to_username   = dashenterprise_license_seat.team["alice"].username
}

data "dashenterprise_users" "licensed" {
  licensed_only = true
  depends_on    = [dashenterprise_license_seat.team]
}

output "apps_moved_from_henry" {
  value = dashenterprise_app_transfer.henry.transferred_apps
}

output "seat_holders" {
  description = "Every seat holder and how else they hold the seat."
  value       = { for u in data.dashenterprise_users.licensed.users : u.username => u.seat_granted_via }
}

output "seats" {
  value = "${data.dashenterprise_license.this.assigned_seats} of ${data.dashenterprise_license.this.purchased_seats} seats assigned"
}
