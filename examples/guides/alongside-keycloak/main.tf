# The dashenterprise half of a realm managed by two providers. The keycloak
# provider's half is keycloak.tf.example (see the guide "Alongside the Keycloak
# provider"): it owns the users, the groups and their members; this provider
# owns the direct licensed_user assignments and everything about apps.
terraform {
  required_version = ">= 1.7.0"

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

# The only writer of direct licensed_user assignments in the realm.
resource "dashenterprise_license_seats" "all" {
  usernames = ["alice", "bob", "carol"]
}

resource "dashenterprise_app_coowners" "sales_forecast" {
  app       = "sales-forecast"
  usernames = ["carol"]
  groups    = ["/Data Science/Forecasting"]

  depends_on = [dashenterprise_license_seats.all]
}

# Offboarding never disables or deletes an account the keycloak provider
# manages (keycloak_user would recreate or re-enable it): it moves the apps,
# revokes the seat and ends the sessions; the account stays with keycloak_user.
resource "dashenterprise_user_offboarding" "dave" {
  username         = "dave"
  transfer_apps_to = "erin"
  user_action      = "none"
}
