# A license seat is imported by the username of its holder.
terraform import dashenterprise_license_seat.alice alice
