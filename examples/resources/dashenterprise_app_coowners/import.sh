# The co-owners of an app are imported by app name.
terraform import dashenterprise_app_coowners.sales_forecast sales-forecast
