# An offboarding is imported by the username, also after the account was deleted.
terraform import dashenterprise_user_offboarding.dave dave
