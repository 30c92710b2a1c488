data "dashenterprise_license" "this" {}

locals {
  developers = toset(["alice", "bob", "carol"])
}

resource "dashenterprise_license_seat" "developers" {
  for_each = local.developers
  username = each.value

  lifecycle {
    # Fail the plan if this configuration asks for more seats than the license has.
    precondition {
      condition     = length(local.developers) <= data.dashenterprise_license.this.purchased_seats
      error_message = "The configuration assigns more seats than were purchased."
    }
  }
}

output "available_seats" {
  value = data.dashenterprise_license.this.available_seats
}

# Warn in every plan during the last 30 days of the license (a check block
# warns; it never fails the plan).
check "license_expiry" {
  assert {
    condition     = coalesce(data.dashenterprise_license.this.days_remaining, 31) > 30
    error_message = "The Dash Enterprise license expires in ${coalesce(data.dashenterprise_license.this.days_remaining, 0)} day(s), on ${coalesce(data.dashenterprise_license.this.expires_at, "?")}: renew it with Plotly."
  }
}
