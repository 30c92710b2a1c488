# Offboarding dave: all of dave's apps move to erin. The plan lists them in transferred_apps.
resource "dashenterprise_app_transfer" "dave_to_erin" {
  from_username = "dave"
  to_username   = "erin"
}

# Revoke dave's seat only in a later apply, once the transfer has happened.
