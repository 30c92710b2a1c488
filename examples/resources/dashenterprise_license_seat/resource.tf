# A seat assigned directly to one user.
resource "dashenterprise_license_seat" "alice" {
  username = "alice"
}

# Seats for a team.
resource "dashenterprise_license_seat" "team" {
  for_each = toset(["bob", "carol", "erin"])
  username = each.value
}
