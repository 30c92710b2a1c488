terraform {
  # Tested with Terraform 1.11 and OpenTofu 1.10; import blocks need 1.5.
  required_version = ">= 1.5.0"

  required_providers {
    dashenterprise = {
      source  = "plotly-community/dashenterprise"
      version = "~> 0.1"
    }
  }
}

# Keycloak is derived from url as https://auth-dash.example.com.
# Credentials usually come from the environment:
#   DASHENTERPRISE_ADMIN_USERNAME / DASHENTERPRISE_ADMIN_PASSWORD        (Keycloak master realm admin)
#   DASHENTERPRISE_PLATFORM_CLIENT_ID / DASHENTERPRISE_PLATFORM_CLIENT_SECRET (service account holding admin)
provider "dashenterprise" {
  url = "https://dash.example.com"

  # Installations that keep the legacy /auth prefix:
  # keycloak_base_path = "/auth"

  # Refuse to revoke a seat while its holder still owns apps.
  orphan_protection = "error"
}
