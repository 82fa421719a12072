#!/usr/bin/env bash
# Validates Envoy bootstrap files against Envoy's own Protobuf schema and validation rules
# (scripts/envoy/main.go on go-control-plane). Default: envoy/envoy.yaml.
# Builds the checker once into .rig/bin (Go's build cache makes later builds instant).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mkdir -p "$root/.rig/bin"
(cd "$here" && go build -o "$root/.rig/bin/envoy-check" .)
if [ "$#" -eq 0 ]; then set -- "$root/envoy/envoy.yaml"; fi
exec "$root/.rig/bin/envoy-check" "$@"
