package acctest

import "testing"

func TestRequestClassification(t *testing.T) {
	for _, tc := range []struct {
		r                      Request
		perUser, platformToken bool
	}{
		{Request{Path: "/admin/realms/dash/users/0b6f5c1e-6d1c-4a57-9a53-1f0e3f1a2b3c/role-mappings/clients/x"}, true, false},
		{Request{Path: "/admin/realms/dash/users", Query: "username=alice&exact=true"}, true, false},
		{Request{Path: "/admin/realms/dash/users", Query: "first=0&max=500&briefRepresentation=true"}, false, false},
		{Request{Path: "/admin/realms/dash/clients/5c40/roles/licensed_user/users", Query: "first=0&max=100"}, false, false},
		{Request{Path: "/realms/dash/protocol/openid-connect/token"}, false, true},
		{Request{Path: "/realms/master/protocol/openid-connect/token"}, false, false},
	} {
		if got := tc.r.PerUser(); got != tc.perUser {
			t.Errorf("%s?%s: PerUser = %v, want %v", tc.r.Path, tc.r.Query, got, tc.perUser)
		}
		if got := tc.r.PlatformToken(); got != tc.platformToken {
			t.Errorf("%s: PlatformToken = %v, want %v", tc.r.Path, got, tc.platformToken)
		}
	}
}
