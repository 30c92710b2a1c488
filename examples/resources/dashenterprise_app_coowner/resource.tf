# A user co-owner. Co-owners need a seat: referencing the seat orders the apply.
resource "dashenterprise_license_seat" "carol" {
  username = "carol"
}

resource "dashenterprise_app_coowner" "carol" {
  app             = "sales-forecast"
  username        = dashenterprise_license_seat.carol.username
  logout_sessions = true # apply now instead of at carol's next login
}

# A group co-owner. Child groups do not inherit it: add each one that should co-own the app.
resource "dashenterprise_app_coowner" "data_science" {
  for_each = toset(["/Data Science", "/Data Science/Forecasting"])
  app      = "sales-forecast"
  group    = each.value
}
