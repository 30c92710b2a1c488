# Every co-owner, user or group, of one app.
list "dashenterprise_app_coowner" "forecast" {
  provider = dashenterprise

  config {
    app = "sales-forecast"
  }
}
