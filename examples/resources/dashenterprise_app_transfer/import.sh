# A transfer is imported as <from_username>:<to_username>.
terraform import dashenterprise_app_transfer.dave_to_erin dave:erin
