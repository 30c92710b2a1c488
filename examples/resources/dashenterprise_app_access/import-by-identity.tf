terraform {
  required_version = ">= 1.12.0" # import by identity (OpenTofu 1.12 too)
}

# Terraform 1.12+ or OpenTofu 1.12+: import an app's viewer access by its identity.
import {
  to = dashenterprise_app_access.sales_forecast
  identity = {
    app = "sales-forecast"
  }
}

resource "dashenterprise_app_access" "sales_forecast" {
  app           = "sales-forecast"
  viewer_access = "restricted"
  viewer_users  = ["dave"]
}
