//go:build generate

// Package tools pins the code generation tools and runs them with go generate.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)

// Format the examples, write the provider's schemas as the provider server
// itself answers them (the terraform 1.11 on these machines cannot print the
// schemas of list resources and actions), then generate the docs from them
// and templates/, and run the generator's own checks on docs/.
//go:generate terraform fmt -recursive ../examples/
//go:generate go run ./providerschema -out providers-schema.json
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name dashenterprise --providers-schema providers-schema.json
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs validate --provider-dir .. --provider-name dashenterprise --providers-schema providers-schema.json
