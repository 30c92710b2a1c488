import {
  to = dashenterprise_app_transfer.dave_to_erin
  id = "dave:erin"
}
