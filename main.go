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
