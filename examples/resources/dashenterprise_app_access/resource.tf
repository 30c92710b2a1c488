# Who can view one app. Restricted: the listed users and the direct members of
# the listed groups (child groups inherit nothing), plus the owner, co-owners
# and administrators.
resource "dashenterprise_app_access" "sales_forecast" {
  app            = "sales-forecast"
  viewer_access  = "restricted"
  viewer_users   = ["dave"]
  viewer_groups  = ["/Data Science", "/Data Science/Forecasting"]
  portal_visible = true
}
