terraform {
  required_version = ">= 1.12.0" # import by identity (OpenTofu 1.12 too)
}

# Terraform 1.12+ or OpenTofu 1.12+: import by the co-owner's identity.
import {
  to = dashenterprise_app_coowner.carol
  identity = {
    app       = "sales-forecast"
    kind      = "user"
    principal = "carol"
  }
}

resource "dashenterprise_app_coowner" "carol" {
  app      = "sales-forecast"
  username = "carol"
}

import {
  to = dashenterprise_app_coowner.forecasting
  identity = {
    app       = "sales-forecast"
    kind      = "group"
    principal = "/Data Science/Forecasting"
  }
}

resource "dashenterprise_app_coowner" "forecasting" {
  app   = "sales-forecast"
  group = "/Data Science/Forecasting"
}
