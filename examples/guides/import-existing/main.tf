# Bring an existing installation under management: every direct seat and every
# app's co-owners are imported with import blocks, so the first plan changes nothing.
terraform {
  # Tested with Terraform 1.11 and OpenTofu 1.10; import blocks with for_each need 1.7.
  required_version = ">= 1.7.0"

  required_providers {
    dashenterprise = {
      source  = "plotly-community/dashenterprise"
      version = "~> 0.1"
    }
  }
}

provider "dashenterprise" {}

variable "search" {
  description = "Limit the import to users matching this search text (empty: everyone)."
  type        = string
  default     = ""
}

variable "apps_owned_by" {
  description = "Limit the co-owner import to the apps of this owner (null: every app)."
  type        = string
  default     = null
}

data "dashenterprise_users" "current" {
  search = var.search
}

data "dashenterprise_apps" "current" {
  owner = var.apps_owned_by
}

locals {
  # Only direct assignments are seats this provider manages; seats held through
  # groups or composite roles stay where they are.
  direct_seats = toset([for u in data.dashenterprise_users.current.users : u.username if u.licensed_direct])
  apps         = { for a in data.dashenterprise_apps.current.apps : a.name => a }
}

import {
  for_each = local.direct_seats
  to       = dashenterprise_license_seat.this[each.key]
  id       = each.key
}

resource "dashenterprise_license_seat" "this" {
  for_each = local.direct_seats
  username = each.key
}

import {
  for_each = local.apps
  to       = dashenterprise_app_coowners.this[each.key]
  id       = each.key
}

resource "dashenterprise_app_coowners" "this" {
  for_each  = local.apps
  app       = each.key
  usernames = [for c in each.value.coowner_users : c.username]
  groups    = each.value.coowner_groups
}
