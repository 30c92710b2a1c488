package main

import (
	"os"
	"testing"
)

// Without TF_LOG or TF_LOG_PROVIDER, Terraform drops whatever the provider
// logs, so the loggers are turned off; with either, or with a level set for
// one logger, nothing is changed.
func TestQuietWhenTerraformDropsLogs(t *testing.T) {
	loggers := []string{"TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}
	cases := []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"terraform keeps no logs", map[string]string{},
			map[string]string{"TF_LOG_PROVIDER": "off", "TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off"}},
		{"TF_LOG set", map[string]string{"TF_LOG": "DEBUG"},
			map[string]string{"TF_LOG_PROVIDER": "", "TF_LOG_SDK": "", "TF_LOG_SDK_PROTO": "", "TF_LOG_SDK_FRAMEWORK": ""}},
		{"TF_LOG_PROVIDER set", map[string]string{"TF_LOG_PROVIDER": "TRACE"},
			map[string]string{"TF_LOG_PROVIDER": "TRACE", "TF_LOG_SDK": "", "TF_LOG_SDK_PROTO": "", "TF_LOG_SDK_FRAMEWORK": ""}},
		{"one logger's level kept", map[string]string{"TF_LOG_SDK_FRAMEWORK": "TRACE"},
			map[string]string{"TF_LOG_PROVIDER": "off", "TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "TRACE"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, k := range append([]string{"TF_LOG"}, loggers...) {
				t.Setenv(k, c.env[k])
				if c.env[k] == "" {
					_ = os.Unsetenv(k)
				}
			}
			quietWhenTerraformDropsLogs()
			for _, k := range loggers {
				if got := os.Getenv(k); got != c.want[k] {
					t.Errorf("%s = %q, want %q", k, got, c.want[k])
				}
			}
		})
	}
}
