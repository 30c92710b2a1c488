terraform {
  # Tested with Terraform 1.11 and OpenTofu 1.10; removed blocks need 1.7.
  required_version = ">= 1.7.0"

  required_providers {
    dashenterprise = {
      source  = "plotly-community/dashenterprise"
      version = "~> 0.1"
    }
  }
}
