# Every direct seat of the installation. A seat granted by hand in Keycloak shows
# up in the next plan as a removal.
resource "dashenterprise_license_seats" "all" {
  usernames = ["alice", "bob", "carol", "erin"]
}
