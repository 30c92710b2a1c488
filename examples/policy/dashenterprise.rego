# Guards Terraform plans of the dashenterprise provider (OPA v1, Rego v1).
#
#   terraform plan -out=tfplan && terraform show -json tfplan > plan.json
#   opa eval --fail-defined -d examples/policy -i plan.json 'data.dashenterprise.deny[msg]'
#
# Denies a plan that revokes the seat of a user who owns apps (unless a transfer
# in the same plan moves those apps away) and a transfer to a user who holds no
# seat (unless the same plan grants one), and an app made reachable without
# login (viewer_access = "unauthenticated") unless it is allow-listed:
#
#   opa eval ... -d allow.json   with {"dashenterprise_allow": {"unauthenticated": ["public-status"]}}
#
# The provider puts the data in the
# plan: owned_apps of a destroyed dashenterprise_license_seat, revocations of
# dashenterprise_license_seats, to_holds_seat and transferred_apps of
# dashenterprise_app_transfer.
package dashenterprise

changes := input.resource_changes

# Apps a transfer in this plan moves away from a user.
moved_away(user) := {app |
	some rc in changes
	rc.type == "dashenterprise_app_transfer"
	"create" in rc.change.actions
	rc.change.after.from_username == user
	some app in rc.change.after.transferred_apps
}

# Users who get a seat in this plan.
granted contains user if {
	some rc in changes
	rc.type == "dashenterprise_license_seat"
	"create" in rc.change.actions
	user := rc.change.after.username
}

granted contains user if {
	some rc in changes
	rc.type == "dashenterprise_license_seats"
	some user in rc.change.after.usernames
}

orphaned(user, apps) := {app | some app in apps} - moved_away(user)

deny contains msg if {
	some rc in changes
	rc.type == "dashenterprise_license_seat"
	"delete" in rc.change.actions
	user := rc.change.before.username
	left := orphaned(user, rc.change.before.owned_apps)
	count(left) > 0
	msg := sprintf("%s: revoking the seat of %s would orphan %s; transfer the apps first", [rc.address, user, concat(", ", sort(left))])
}

deny contains msg if {
	some rc in changes
	rc.type == "dashenterprise_license_seats"
	some user, apps in rc.change.after.revocations
	left := orphaned(user, apps)
	count(left) > 0
	msg := sprintf("%s: revoking the seat of %s would orphan %s; transfer the apps first", [rc.address, user, concat(", ", sort(left))])
}

deny contains msg if {
	some rc in changes
	rc.type == "dashenterprise_app_transfer"
	"create" in rc.change.actions
	rc.change.after.to_holds_seat == false
	not rc.change.after.to_username in granted
	msg := sprintf("%s: %s holds no license seat and this plan grants none; the transfer would fail", [rc.address, rc.change.after.to_username])
}

# Apps that may be reachable without login.
unauthenticated_allowed := {app | some app in object.get(data.dashenterprise_allow, "unauthenticated", [])}

deny contains msg if {
	some rc in changes
	rc.type == "dashenterprise_app_access"
	some action in rc.change.actions
	action in {"create", "update"}
	rc.change.after.viewer_access == "unauthenticated"
	not rc.change.after.app in unauthenticated_allowed
	msg := sprintf("%s: %s would be reachable without login; add it to dashenterprise_allow.unauthenticated if that is intended", [rc.address, rc.change.after.app])
}

# A destroyed seat whose apps were never read (no platform credentials): say so.
warn contains msg if {
	some rc in changes
	rc.type == "dashenterprise_license_seat"
	"delete" in rc.change.actions
	rc.change.before.owned_apps == null
	msg := sprintf("%s: the apps of %s were not read (platform API not configured); this plan was not checked", [rc.address, rc.change.before.username])
}
