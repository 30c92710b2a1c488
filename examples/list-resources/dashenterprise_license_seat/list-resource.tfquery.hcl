# Terraform 1.14+: `terraform query -generate-config-out=seats.tf` writes a resource
# and an import block for every direct seat holder in /Data Science.
list "dashenterprise_license_seat" "data_science" {
  provider         = dashenterprise
  include_resource = true

  config {
    group = "/Data Science"
  }
}
