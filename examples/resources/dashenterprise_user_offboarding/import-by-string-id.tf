import {
  to = dashenterprise_user_offboarding.dave
  id = "dave"
}
