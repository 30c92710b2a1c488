// Command providerschema writes the provider's schemas in the format of
// `terraform providers schema -json`, read from the provider server's own
// answers in-process: the terraform on these machines (1.11) cannot print
// the schemas of list resources and actions, which the docs generator needs.
//
// Usage: go run ./tools/providerschema -out FILE
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"

	"github.com/plotly-community/terraform-provider-dashenterprise/internal/provider"
)

func main() {
	out := flag.String("out", "", "file to write (standard output when empty)")
	flag.Parse()
	schemas, err := export(context.Background())
	if err == nil {
		err = write(*out, schemas)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "providerschema:", err)
		os.Exit(1)
	}
}

func write(path string, schemas *tfjson.ProviderSchemas) error {
	data, err := json.MarshalIndent(schemas, "", "  ")
	if err != nil {
		return err
	}
	if path == "" {
		_, err = os.Stdout.Write(append(data, '\n'))
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// export asks the provider server for its schemas and identity schemas.
func export(ctx context.Context) (*tfjson.ProviderSchemas, error) {
	srv, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err != nil {
		return nil, err
	}
	resp, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	ids, err := srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	for _, d := range append(resp.Diagnostics, ids.Diagnostics...) {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return nil, fmt.Errorf("%s: %s", d.Summary, d.Detail)
		}
	}
	c := converter{}
	ps := &tfjson.ProviderSchema{
		ConfigSchema:            c.schema(resp.Provider),
		ResourceSchemas:         c.schemas(resp.ResourceSchemas),
		DataSourceSchemas:       c.schemas(resp.DataSourceSchemas),
		ListResourceSchemas:     c.schemas(resp.ListResourceSchemas),
		ActionSchemas:           map[string]*tfjson.ActionSchema{},
		ResourceIdentitySchemas: map[string]*tfjson.IdentitySchema{},
	}
	for name, a := range resp.ActionSchemas {
		ps.ActionSchemas[name] = &tfjson.ActionSchema{Block: c.schema(a.Schema).Block}
	}
	for name, s := range ids.IdentitySchemas {
		ps.ResourceIdentitySchemas[name] = c.identity(s)
	}
	if c.err != nil {
		return nil, c.err
	}
	return &tfjson.ProviderSchemas{FormatVersion: "1.0", Schemas: map[string]*tfjson.ProviderSchema{"dashenterprise": ps}}, nil
}

// converter turns protocol schemas into their JSON form; the first type it
// cannot convert is kept in err.
type converter struct{ err error }

func (c *converter) schemas(in map[string]*tfprotov6.Schema) map[string]*tfjson.Schema {
	out := make(map[string]*tfjson.Schema, len(in))
	for name, s := range in {
		out[name] = c.schema(s)
	}
	return out
}

func (c *converter) schema(s *tfprotov6.Schema) *tfjson.Schema {
	if s == nil {
		return nil
	}
	return &tfjson.Schema{Version: uint64(s.Version), Block: c.block(s.Block)}
}

func (c *converter) block(b *tfprotov6.SchemaBlock) *tfjson.SchemaBlock {
	out := &tfjson.SchemaBlock{Attributes: c.attributes(b.Attributes), Description: b.Description,
		DescriptionKind: kind(b.DescriptionKind), Deprecated: b.Deprecated}
	if len(b.BlockTypes) > 0 {
		out.NestedBlocks = map[string]*tfjson.SchemaBlockType{}
	}
	for _, nb := range b.BlockTypes {
		out.NestedBlocks[nb.TypeName] = &tfjson.SchemaBlockType{NestingMode: blockNesting[nb.Nesting], Block: c.block(nb.Block),
			MinItems: uint64(nb.MinItems), MaxItems: uint64(nb.MaxItems)}
	}
	return out
}

func (c *converter) attributes(in []*tfprotov6.SchemaAttribute) map[string]*tfjson.SchemaAttribute {
	if len(in) == 0 {
		return nil
	}
	out := map[string]*tfjson.SchemaAttribute{}
	for _, a := range in {
		sa := &tfjson.SchemaAttribute{Description: a.Description, DescriptionKind: kind(a.DescriptionKind), Deprecated: a.Deprecated,
			Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive, WriteOnly: a.WriteOnly}
		if a.NestedType != nil {
			sa.AttributeNestedType = &tfjson.SchemaNestedAttributeType{Attributes: c.attributes(a.NestedType.Attributes),
				NestingMode: objectNesting[a.NestedType.Nesting]}
		} else {
			sa.AttributeType = c.ctyType(a.Type)
		}
		out[a.Name] = sa
	}
	return out
}

func (c *converter) identity(s *tfprotov6.ResourceIdentitySchema) *tfjson.IdentitySchema {
	out := &tfjson.IdentitySchema{Version: uint64(s.Version), Attributes: map[string]*tfjson.IdentityAttribute{}}
	for _, a := range s.IdentityAttributes {
		out.Attributes[a.Name] = &tfjson.IdentityAttribute{IdentityType: c.ctyType(a.Type), Description: a.Description,
			RequiredForImport: a.RequiredForImport, OptionalForImport: a.OptionalForImport}
	}
	return out
}

// ctyType converts a protocol type to its cty twin.
func (c *converter) ctyType(t tftypes.Type) cty.Type {
	switch {
	case t.Is(tftypes.String):
		return cty.String
	case t.Is(tftypes.Number):
		return cty.Number
	case t.Is(tftypes.Bool):
		return cty.Bool
	case t.Is(tftypes.DynamicPseudoType):
		return cty.DynamicPseudoType
	}
	switch v := t.(type) {
	case tftypes.List:
		return cty.List(c.ctyType(v.ElementType))
	case tftypes.Set:
		return cty.Set(c.ctyType(v.ElementType))
	case tftypes.Map:
		return cty.Map(c.ctyType(v.ElementType))
	case tftypes.Tuple:
		elems := make([]cty.Type, len(v.ElementTypes))
		for i, e := range v.ElementTypes {
			elems[i] = c.ctyType(e)
		}
		return cty.Tuple(elems)
	case tftypes.Object:
		attrs := map[string]cty.Type{}
		var optional []string
		for name, a := range v.AttributeTypes {
			attrs[name] = c.ctyType(a)
			if _, ok := v.OptionalAttributes[name]; ok {
				optional = append(optional, name)
			}
		}
		if len(optional) > 0 {
			return cty.ObjectWithOptionalAttrs(attrs, optional)
		}
		return cty.Object(attrs)
	}
	if c.err == nil {
		c.err = fmt.Errorf("type %s has no cty twin", t)
	}
	return cty.NilType
}

func kind(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}

var blockNesting = map[tfprotov6.SchemaNestedBlockNestingMode]tfjson.SchemaNestingMode{
	tfprotov6.SchemaNestedBlockNestingModeSingle: tfjson.SchemaNestingModeSingle,
	tfprotov6.SchemaNestedBlockNestingModeList:   tfjson.SchemaNestingModeList,
	tfprotov6.SchemaNestedBlockNestingModeSet:    tfjson.SchemaNestingModeSet,
	tfprotov6.SchemaNestedBlockNestingModeMap:    tfjson.SchemaNestingModeMap,
	tfprotov6.SchemaNestedBlockNestingModeGroup:  tfjson.SchemaNestingModeGroup,
}

var objectNesting = map[tfprotov6.SchemaObjectNestingMode]tfjson.SchemaNestingMode{
	tfprotov6.SchemaObjectNestingModeSingle: tfjson.SchemaNestingModeSingle,
	tfprotov6.SchemaObjectNestingModeList:   tfjson.SchemaNestingModeList,
	tfprotov6.SchemaObjectNestingModeSet:    tfjson.SchemaNestingModeSet,
	tfprotov6.SchemaObjectNestingModeMap:    tfjson.SchemaNestingModeMap,
}
