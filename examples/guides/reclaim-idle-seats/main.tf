# Reclaim idle seats: keep the seats of the current direct holders, minus the
# users idle for longer than a window who own no apps. Idle users who own apps
# are not revoked silently: they are listed with their apps, for an offboarding
# (transfer their apps first, see the offboarding guide).
terraform {
  # Tested with Terraform 1.11 and OpenTofu 1.10; check blocks need 1.5.
  required_version = ">= 1.5.0"

  required_providers {
    dashenterprise = {
      source  = "plotly-community/dashenterprise"
      version = "~> 0.1"
    }
  }
}

provider "dashenterprise" {}

variable "idle_window" {
  description = "How long a user must have been inactive to lose their seat, e.g. \"90d\"."
  type        = string
  default     = "90d"
}

# Every user holding a seat now, and those of them inactive for the window.
# Users without any recorded activity count as inactive only when the realm's
# stored LOGIN events reach back over the whole window (activity_horizon).
data "dashenterprise_users" "licensed" {
  licensed_only = true
}

data "dashenterprise_users" "idle" {
  licensed_only = true
  inactive_for  = var.idle_window
}

# Users leaving, offboarded in the same plan: their apps move, then their seat
# goes and their account is disabled or deleted (see the offboarding guide).
variable "offboard" {
  description = "Users to offboard: username => { to = heir, user_action = none|disable|delete }."
  type = map(object({
    to          = string
    user_action = optional(string, "disable")
  }))
  default = {}
}

resource "dashenterprise_user_offboarding" "leaver" {
  for_each = var.offboard

  username         = each.key
  transfer_apps_to = each.value.to
  user_action      = each.value.user_action
}

locals {
  # Seats held through a group or a composite role are not this set's to
  # revoke: only direct seats are managed here.
  direct = [for u in data.dashenterprise_users.licensed.users : u.username if u.licensed_direct]

  idle_direct = [for u in data.dashenterprise_users.idle.users : u if u.licensed_direct]

  # Who receives apps from an offboarding keeps their seat, idle or not.
  heirs = [for o in values(var.offboard) : o.to]

  # Idle users who own nothing: their seats are reclaimed.
  reclaimed = [for u in local.idle_direct : u.username if length(coalesce(u.owned_apps, [])) == 0 && !contains(local.heirs, u.username)]

  # Idle users who still own apps: listed for an offboarding, never revoked here.
  idle_owners = { for u in local.idle_direct : u.username => u.owned_apps if length(coalesce(u.owned_apps, [])) > 0 && !contains(keys(var.offboard), u.username) }
}

# The set takes over the seats that exist (first apply only; later applies
# ignore an import block for a resource already in state).
import {
  to = dashenterprise_license_seats.all
  id = "licensed_user"
}

resource "dashenterprise_license_seats" "all" {
  # The offboarded users' seats are the offboarding's to revoke, after their
  # apps have moved: the set drops them and waits for it.
  usernames  = setsubtract(local.direct, concat(local.reclaimed, keys(var.offboard)))
  depends_on = [dashenterprise_user_offboarding.leaver]
}

check "idle_owners" {
  assert {
    condition     = length(local.idle_owners) == 0
    error_message = "Idle for ${var.idle_window} but still owning apps (offboard them: transfer the apps, then revoke): ${jsonencode(local.idle_owners)}"
  }
}

output "reclaimed" {
  description = "Users whose seats this apply reclaims."
  value       = local.reclaimed
}

output "idle_owners" {
  description = "Idle users who own apps, with their apps: offboard them."
  value       = local.idle_owners
}

output "activity_horizon" {
  description = "How far back the realm's stored LOGIN events reach."
  value       = data.dashenterprise_users.idle.activity_horizon
}
