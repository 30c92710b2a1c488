import {
  to = dashenterprise_license_seat.alice
  id = "alice"
}
