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
