# The viewer access of an app is imported by app name.
terraform import dashenterprise_app_access.sales_forecast sales-forecast
