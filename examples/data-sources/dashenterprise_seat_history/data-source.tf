# Who gave carol a seat, and when? Every grant and revocation of her seat in
# the last 30 days, as Keycloak recorded it in its admin events.
data "dashenterprise_seat_history" "carol" {
  window   = "720h"
  username = "carol"
}

output "carol_seat_history" {
  value = [for c in data.dashenterprise_seat_history.carol.changes : c.description]
}

# Seats granted outside Terraform in the last week: by whom, through which client.
data "dashenterprise_seat_history" "week" {
  window = "168h"
}

output "granted_by_hand" {
  value = [
    for c in data.dashenterprise_seat_history.week.changes :
    "${c.username} (${c.via}) by ${c.by != "" ? c.by : "user ${c.by_user_id} of realm ${c.by_realm}"} through ${c.client} at ${c.time}"
    if c.change == "granted" && !c.by_terraform
  ]
}
