# What does dave own before leaving?
data "dashenterprise_apps" "dave" {
  owner = "dave"
}

# Apps whose owner lost the seat.
data "dashenterprise_apps" "orphaned" {
  orphaned_only = true
}

output "dave_apps" {
  value = data.dashenterprise_apps.dave.apps[*].name
}
