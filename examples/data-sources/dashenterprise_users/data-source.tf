# Everyone holding a seat, however they hold it.
data "dashenterprise_users" "licensed" {
  licensed_only = true
}

# Members of Data Science and its sub-groups.
data "dashenterprise_users" "data_science" {
  group = "/Data Science"
}

output "seats_through_groups" {
  value = [for u in data.dashenterprise_users.licensed.users : u.username if !u.licensed_direct]
}
