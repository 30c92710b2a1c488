// Command terraform-provider-dashenterprise serves the Dash Enterprise provider to Terraform.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	godebug "runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/provider"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	// A soft heap limit keeps large listings (the users data source over 10,000
	// users) well under 200 MiB; GOMEMLIMIT overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		godebug.SetMemoryLimit(128 << 20)
	}

	quietWhenTerraformDropsLogs()
	profileCPU()

	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.Address,
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}

// quietWhenTerraformDropsLogs turns the provider's and the SDK's loggers off
// when Terraform keeps none of their output. The SDK logs at TRACE unless told
// otherwise and leaves the filtering to Terraform, which keeps a provider's
// logs only when TF_LOG or TF_LOG_PROVIDER is set; without either, every
// request's trace lines were encoded here and decoded there for nothing. A
// level set explicitly (TF_LOG_SDK, TF_LOG_SDK_FRAMEWORK, ...) is kept.
func quietWhenTerraformDropsLogs() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, k := range []string{"TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		if os.Getenv(k) == "" {
			_ = os.Setenv(k, "off")
		}
	}
}
