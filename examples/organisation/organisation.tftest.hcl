# `terraform test` (Terraform >= 1.7) of this configuration without any server:
# mock_provider replaces the dashenterprise provider, so CI can check the
# configuration's own logic (one seat per CSV row, the license precondition,
# the offboarding transfer) with no credentials.

mock_provider "dashenterprise" {
  mock_data "dashenterprise_license" {
    defaults = {
      purchased_seats = 25
      assigned_seats  = 7
    }
  }
}

run "one_seat_per_team_member" {
  command = plan

  assert {
    condition     = length(dashenterprise_license_seat.team) == 7
    error_message = "team.csv has 7 rows: want 7 seats."
  }
  assert {
    condition     = dashenterprise_license_seat.team["carol"].username == "carol"
    error_message = "Each seat is keyed and named by its username."
  }
  assert {
    condition     = dashenterprise_app_transfer.henry.from_username == "henry" && dashenterprise_app_transfer.henry.to_username == "alice"
    error_message = "henry's apps move to alice."
  }
}

run "more_people_than_seats_is_refused" {
  command = plan

  override_data {
    target = data.dashenterprise_license.this
    values = {
      purchased_seats = 3
    }
  }

  expect_failures = [dashenterprise_license_seat.team]
}
