package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/acctest"
	"github.com/plotly-community/terraform-provider-dashenterprise/internal/provider"
)

func TestMain(m *testing.M) { acctest.Main(m) }

// protoV6ProviderFactories runs the provider in-process for terraform-plugin-testing.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"dashenterprise": providerserver.NewProtocol6WithError(provider.New("test")()),
}
