# dave leaves: his apps go to erin, then his seat is revoked, his sessions end
# and his account is disabled, in that order, in one reviewed plan.
resource "dashenterprise_license_seat" "erin" {
  username = "erin"
}

resource "dashenterprise_user_offboarding" "dave" {
  username         = "dave"
  transfer_apps_to = dashenterprise_license_seat.erin.username
  user_action      = "disable" # or "delete", or "none" (default)
  # revoke_seat     = true (default)
  # logout_sessions = true (default)
}

# If a dashenterprise_license_seat managed dave's seat, forget it instead of
# destroying it: the offboarding revokes the seat after the transfer.
removed {
  from = dashenterprise_license_seat.dave

  lifecycle {
    destroy = false
  }
}
