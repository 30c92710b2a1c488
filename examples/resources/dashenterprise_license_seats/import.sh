# The set of seats is imported with the fixed ID licensed_user.
terraform import dashenterprise_license_seats.all licensed_user
