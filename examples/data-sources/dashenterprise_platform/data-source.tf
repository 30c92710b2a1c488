# Run one plan against your installation before relying on co-owners and
# transfers: it says, feature by feature, what the server offers.
data "dashenterprise_platform" "this" {}

output "platform_features" {
  value = {
    for f in data.dashenterprise_platform.this.features :
    f.name => f.available ? "available" : join("; ", f.missing)
  }
}

check "platform_offers_transfers" {
  assert {
    condition = alltrue([
      for f in data.dashenterprise_platform.this.features : f.available != false if f.name == "transfer"
    ])
    error_message = "This Dash Enterprise does not offer the app transfer the provider sends; see data.dashenterprise_platform.this.features."
  }
}
