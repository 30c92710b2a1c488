# A user co-owner: <app>:user:<username>
terraform import dashenterprise_app_coowner.carol sales-forecast:user:carol

# A group co-owner: <app>:group:<path> (with or without the leading slash)
terraform import 'dashenterprise_app_coowner.data_science["/Data Science"]' 'sales-forecast:group:/Data Science'
