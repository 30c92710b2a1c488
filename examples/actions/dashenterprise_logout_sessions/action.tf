terraform {
  required_version = ">= 1.14.0" # actions and action_trigger
}

# Terraform 1.14+: log the affected users out after a co-owner change, so it
# applies at once instead of at their next login.
action "dashenterprise_logout_sessions" "forecast_team" {
  config {
    usernames = ["carol"]
    groups    = ["/Data Science/Forecasting"]
  }
}

resource "dashenterprise_app_coowner" "carol" {
  app      = "sales-forecast"
  username = "carol"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.dashenterprise_logout_sessions.forecast_team]
    }
  }
}
