# All co-owners of one app. Child groups do not inherit co-ownership: list each one.
resource "dashenterprise_app_coowners" "sales_forecast" {
  app       = "sales-forecast"
  usernames = ["carol", "erin"]
  groups    = ["/Data Science", "/Data Science/Forecasting"]
}
