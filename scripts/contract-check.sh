#!/usr/bin/env bash
# Contract checks (CI runs all three; see proto/README.md):
#   lint      buf lint (STANDARD + COMMENTS, no exceptions)
#   breaking  buf breaking (FILE) against the previous commit
#   drift     regenerate gen/src from proto/ and fail if it differs from what git has
#
# Usage: scripts/contract-check.sh [--root DIR] [lint|breaking|drift]...
#   No check names: run all three. Every selected check runs; the exit status is 1 if any failed.
#   --root DIR   the work tree to check (default: this repository). It needs buf.yaml, proto/,
#                buf.gen.yaml and node_modules/.bin/protoc-gen-ts_proto (a symlinked node_modules
#                is fine); the tests point it at temporary copies.
# Environment:
#   VANE_BREAKING_AGAINST  what `breaking` compares with. A git revision (e.g. `origin/main`, the
#                          merge base of a pull request) or any buf input (anything containing `#`
#                          or an existing path, e.g. `.git#branch=main`, `../old-checkout`).
#                          Default: HEAD~1.
#   VANE_BUF               the buf binary (default: node_modules/.bin/buf of this repository).
set -uo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd "$script_dir/.." && pwd)"
root="$repo_dir"
checks=()

while [ $# -gt 0 ]; do
  case "$1" in
    --root)
      [ $# -ge 2 ] || { echo "contract-check: --root needs a directory" >&2; exit 2; }
      root="$(cd "$2" && pwd)" || exit 2
      shift 2
      ;;
    lint | breaking | drift)
      checks+=("$1")
      shift
      ;;
    -h | --help)
      sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "contract-check: unknown argument '$1' (expected --root DIR, lint, breaking, drift)" >&2
      exit 2
      ;;
  esac
done
[ ${#checks[@]} -gt 0 ] || checks=(lint breaking drift)

buf="${VANE_BUF:-$repo_dir/node_modules/.bin/buf}"
if [ ! -x "$buf" ]; then
  echo "contract-check: buf not found at $buf. Run \`npm ci\` (it ships in @bufbuild/buf)." >&2
  exit 2
fi

# Prints a failure banner with what to do about it.
fail() {
  printf '\n\033[31mcontract-check %s FAILED\033[0m\n%s\n' "$1" "$2" >&2
}

check_lint() {
  echo "-- buf lint ($root)"
  # msvs format: `file(line,col) : error RULE_NAME : message`, so the rule is always named.
  if (cd "$root" && "$buf" lint --error-format=msvs); then
    echo "buf lint: ok"
    return 0
  fi
  fail lint "Fix the violations above (each names its rule after \`error\`). buf.yaml uses
STANDARD + COMMENTS with no exceptions: every message, field, enum value, service and RPC needs
a comment. Rules: https://buf.build/docs/lint/rules/ . Do not add lint exceptions."
  return 1
}

check_breaking() {
  local against="${VANE_BREAKING_AGAINST:-HEAD~1}" input tmp status
  echo "-- buf breaking ($root) against $against"
  if [[ "$against" == *"#"* ]] || [ -e "$against" ]; then
    input="$against"
  else
    # A git revision: export buf.yaml and proto/ of that commit into a temporary directory. This
    # works the same in clones, worktrees, shallow clones and subdirectories of a repository.
    if ! git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
      echo "buf breaking: $root is not a git work tree; nothing to compare with. Passing."
      return 0
    fi
    local commit prefix
    if ! commit="$(git -C "$root" rev-parse --verify -q "$against^{commit}")"; then
      echo "buf breaking: '$against' does not exist (first commit or shallow clone); nothing to"
      echo "compare with. Passing. (Set VANE_BREAKING_AGAINST to compare with another revision.)"
      return 0
    fi
    prefix="$(git -C "$root" rev-parse --show-prefix)"
    if ! git -C "$root" ls-tree -r --name-only "$commit:$prefix" -- proto 2>/dev/null |
      grep -q '\.proto$'; then
      echo "buf breaking: $against ($commit) has no proto module yet; nothing to compare with. Passing."
      return 0
    fi
    local paths=(proto)
    if git -C "$root" cat-file -e "$commit:${prefix}buf.yaml" 2>/dev/null; then
      paths+=(buf.yaml)
    fi
    tmp="$(mktemp -d)"
    git -C "$root" archive --format=tar "$commit:$prefix" "${paths[@]}" | tar -x -C "$tmp"
    input="$tmp"
  fi
  (cd "$root" && "$buf" breaking --error-format=msvs --against "$input")
  status=$?
  [ -z "${tmp:-}" ] || rm -rf "$tmp"
  if [ $status -eq 0 ]; then
    echo "buf breaking: ok"
    return 0
  fi
  fail breaking "The change above breaks the published contract (buf breaking, FILE rules) compared
with $against. Published fields, enum values, messages, RPCs and files must stay: never renumber,
retype or rename them. To remove a field or enum value, delete it and add
\`reserved <number>; reserved \"<name>\";\` in its place. For a truly incompatible change, add a
new package version (vane.<area>.v2) next to v1. See proto/README.md."
  return 1
}

check_drift() {
  echo "-- gen/ drift ($root): buf generate + buf build, then git status -- gen/src"
  # gen/src/vane.binpb: the FileDescriptorSet (with well-known types) that servers hand to gRPC
  # server reflection, so grpcurl can describe every message.
  if ! (cd "$root" && "$buf" generate && "$buf" build -o gen/src/vane.binpb); then
    fail drift "buf generate failed (see above). Check buf.gen.yaml and that
node_modules/.bin/protoc-gen-ts_proto exists (\`npm ci\`)."
    return 1
  fi
  local changes
  changes="$(git -C "$root" status --porcelain --untracked-files=all -- gen/src)"
  if [ -z "$changes" ]; then
    echo "gen/ drift: ok (gen/src matches proto/)"
    return 0
  fi
  echo "$changes" | head -50
  fail drift "gen/src differs from what proto/ generates (files listed above). gen/ is generated:
never edit it by hand. Run \`npm run generate\` and commit proto/ and gen/ together."
  return 1
}

failed=0
for check in "${checks[@]}"; do
  "check_$check" || failed=1
done
exit $failed
