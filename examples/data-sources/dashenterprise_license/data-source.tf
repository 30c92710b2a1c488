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
