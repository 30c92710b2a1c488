package transport

import (
	"strings"
	"testing"
)

// FuzzLoggedBodyNeverShowsASecret: whatever the length of the text before a
// secret, so wherever the logged body is cut, no part of the secret of
// "SECRET" or longer reaches the log (JSON field, form field, JWT).
func FuzzLoggedBodyNeverShowsASecret(f *testing.F) {
	// Seeds that cut inside the secret at the 4 KiB limit: 4054 puts the JSON
	// and JWT secrets, 4047 the form secret, 10 bytes before the cut.
	for _, pad := range []int{0, 100, maxLoggedBody - 42, maxLoggedBody - 49, maxLoggedBody - 20, maxLoggedBody - 14, maxLoggedBody - 10, maxLoggedBody - 3, maxLoggedBody + 5} {
		for kind := range 3 {
			f.Add(pad, kind, "abcdefghij0123456789")
		}
	}
	f.Fuzz(func(t *testing.T, pad, kind int, tail string) {
		if pad < 0 || pad > 3*maxLoggedBody {
			return
		}
		var alnum strings.Builder
		for _, r := range tail {
			if r < 128 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				alnum.WriteRune(r)
			}
		}
		secret := "SECRET" + alnum.String()
		var body string
		switch ((kind % 3) + 3) % 3 {
		case 0:
			body = strings.Repeat("-", pad) + `{"username":"admin","password":"` + secret + `","next":1}`
		case 1:
			body = `grant_type=password&username=` + strings.Repeat("-", pad) + `&password=` + secret + `&client_id=admin-cli`
		case 2:
			body = strings.Repeat("-", pad) + ` Bearer eyJhbGciOiJSUzI1NiJ9.eyJ` + secret + `.c2ln` + secret
		}
		_, logged := loggable(strings.NewReader(body))
		if strings.Contains(logged, "SECRET") {
			t.Fatalf("the logged body shows the secret (pad %d, kind %d):\n...%s", pad, kind, logged[max(0, len(logged)-80):])
		}
		if len(logged) > maxLoggedBody {
			t.Fatalf("logged %d bytes, limit %d", len(logged), maxLoggedBody)
		}
	})
}
