import {
  to = dashenterprise_app_access.sales_forecast
  id = "sales-forecast"
}
