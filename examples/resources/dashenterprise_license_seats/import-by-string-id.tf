import {
  to = dashenterprise_license_seats.all
  id = "licensed_user"
}
