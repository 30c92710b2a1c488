import {
  to = dashenterprise_app_coowner.carol
  id = "sales-forecast:user:carol"
}
