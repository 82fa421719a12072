// envoy-check validates an Envoy v3 bootstrap file (YAML or JSON) against Envoy's own Protobuf
// schema, as Envoy would load it, without running Envoy:
//
//  1. YAML → JSON → protojson into envoy.config.bootstrap.v3.Bootstrap. Unknown fields (a
//     misspelled key), wrong value types and `typed_config` Any's of an extension type that is
//     not registered below all fail here.
//  2. ValidateAll() (protoc-gen-validate rules: required fields, ranges, patterns, enums) on the
//     bootstrap and on the message inside every Any, recursively.
//  3. Cross-references: every cluster a route names is defined.
//
// Usage: envoy-check FILE… (or - for standard input). Exit 0 when valid, 1 with one problem per
// line otherwise, 2 on bad usage.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	healthcheckv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/health_check/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"
	"sigs.k8s.io/yaml"

	// The extensions Vane's edge may use: importing a package registers its types, so that
	// `typed_config` Any's naming them resolve. An extension not listed here is reported as
	// unknown, which is what we want for a typo in a type URL.
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/stream/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/grpc_web/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/local_ratelimit/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/resource_monitors/downstream_connections/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
)

// validator is what protoc-gen-validate generates on every Envoy message.
type validator interface{ ValidateAll() error }

// check returns every problem of one bootstrap document.
func check(text []byte) []string {
	jsonText, err := yaml.YAMLToJSON(text)
	if err != nil {
		return []string{"YAML: " + err.Error()}
	}
	var bootstrap bootstrapv3.Bootstrap
	if err := (protojson.UnmarshalOptions{}).Unmarshal(jsonText, &bootstrap); err != nil {
		return []string{"schema: " + err.Error()}
	}
	var problems []string
	problems = append(problems, validateTree(&bootstrap, "bootstrap")...)
	problems = append(problems, checkClusterRefs(&bootstrap)...)
	return problems
}

// validateTree runs ValidateAll on m and on the unpacked message of every Any inside it.
func validateTree(m proto.Message, where string) []string {
	var problems []string
	if v, ok := m.(validator); ok {
		if err := v.ValidateAll(); err != nil {
			for _, e := range splitMulti(err) {
				problems = append(problems, fmt.Sprintf("%s: %s", where, e))
			}
		}
	}
	walkAnys(m.ProtoReflect(), where, func(a *anypb.Any, path string) {
		inner, err := a.UnmarshalNew()
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", path, err))
			return
		}
		problems = append(problems, validateTree(inner, path+"<"+string(inner.ProtoReflect().Descriptor().FullName())+">")...)
	})
	return problems
}

// walkAnys calls fn for every google.protobuf.Any set in m (not descending into the Any's).
func walkAnys(m protoreflect.Message, path string, fn func(*anypb.Any, string)) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		name := path + "." + string(fd.Name())
		switch {
		case fd.IsList() && fd.Message() != nil:
			list := v.List()
			for i := 0; i < list.Len(); i++ {
				visit(list.Get(i).Message(), fmt.Sprintf("%s[%d]", name, i), fn)
			}
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				visit(mv.Message(), fmt.Sprintf("%s[%s]", name, k.String()), fn)
				return true
			})
		case !fd.IsList() && !fd.IsMap() && fd.Message() != nil:
			visit(v.Message(), name, fn)
		}
		return true
	})
}

func visit(m protoreflect.Message, path string, fn func(*anypb.Any, string)) {
	if a, ok := m.Interface().(*anypb.Any); ok {
		fn(a, path)
		return
	}
	walkAnys(m, path, fn)
}

// splitMulti flattens a protoc-gen-validate MultiError into its messages.
func splitMulti(err error) []string {
	var multi interface{ AllErrors() []error }
	if errors.As(err, &multi) {
		var out []string
		for _, e := range multi.AllErrors() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

// checkClusterRefs reports routes that name a cluster the bootstrap does not define.
func checkClusterRefs(b *bootstrapv3.Bootstrap) []string {
	defined := map[string]bool{}
	for _, c := range b.GetStaticResources().GetClusters() {
		defined[c.GetName()] = true
	}
	var problems []string
	for _, l := range b.GetStaticResources().GetListeners() {
		for _, fc := range l.GetFilterChains() {
			for _, f := range fc.GetFilters() {
				var hcm hcmv3.HttpConnectionManager
				if f.GetTypedConfig() == nil || f.GetTypedConfig().UnmarshalTo(&hcm) != nil {
					continue
				}
				for _, hf := range hcm.GetHttpFilters() {
					var hc healthcheckv3.HealthCheck
					if hf.GetTypedConfig() == nil || hf.GetTypedConfig().UnmarshalTo(&hc) != nil {
						continue
					}
					for name := range hc.GetClusterMinHealthyPercentages() {
						if !defined[name] {
							problems = append(problems, fmt.Sprintf(
								"listener %s, health check filter: cluster %q is not defined", l.GetName(), name))
						}
					}
				}
				for _, vh := range hcm.GetRouteConfig().GetVirtualHosts() {
					for _, r := range vh.GetRoutes() {
						for _, name := range clustersOf(r) {
							if !defined[name] {
								problems = append(problems, fmt.Sprintf(
									"listener %s, virtual host %s, route %s: cluster %q is not defined",
									l.GetName(), vh.GetName(), routeName(r), name))
							}
						}
					}
				}
			}
		}
	}
	sort.Strings(problems)
	return problems
}

func clustersOf(r *routev3.Route) []string {
	action := r.GetRoute()
	if action == nil {
		return nil
	}
	if c := action.GetCluster(); c != "" {
		return []string{c}
	}
	var out []string
	for _, w := range action.GetWeightedClusters().GetClusters() {
		out = append(out, w.GetName())
	}
	return out
}

func routeName(r *routev3.Route) string {
	if r.GetName() != "" {
		return r.GetName()
	}
	return protojson.MarshalOptions{}.Format(r.GetMatch())
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: envoy-check FILE... (- for standard input)")
		os.Exit(2)
	}
	failed := false
	for _, file := range os.Args[1:] {
		var text []byte
		var err error
		if file == "-" {
			text, err = io.ReadAll(os.Stdin)
		} else {
			text, err = os.ReadFile(file)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if problems := check(text); len(problems) > 0 {
			failed = true
			fmt.Fprintf(os.Stderr, "%s is not a valid Envoy v3 bootstrap:\n  %s\n", file, strings.Join(problems, "\n  "))
		} else {
			fmt.Printf("%s: valid Envoy v3 bootstrap (go-control-plane schema and validation rules)\n", file)
		}
	}
	if failed {
		os.Exit(1)
	}
}
