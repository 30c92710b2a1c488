import {
  to = dashenterprise_app_coowners.sales_forecast
  id = "sales-forecast"
}
