#!/usr/bin/env bash
# The dependencies between the service's top-level modules (the `pub mod`s of src/lib.rs): one
# line `from -> to` for each module whose code (comments aside) names `crate::<to>`. Then any
# cycle among them, found by tsort; exits 1 when there is one. The leaf crates under crates/
# cannot reach the service at all (Cargo forbids the cycle), so only src/ is read.
# Usage: tools/module-deps.sh [--dot]   (--dot prints a Graphviz digraph instead)
set -euo pipefail
cd "$(dirname "$0")/.."

modules=$(sed -n 's/^pub mod \([a-z_0-9]*\);.*/\1/p' src/lib.rs)

edges() {
  local m files
  for m in $modules; do
    files=()
    [ -f "src/$m.rs" ] && files+=("src/$m.rs")
    [ -d "src/$m" ] && while IFS= read -r f; do files+=("$f"); done < <(find "src/$m" -name '*.rs' | sort)
    # `crate::x` and each name of `crate::{x, y::z}`; line comments and doc comments dropped.
    sed -e 's://.*$::' "${files[@]}" \
      | grep -o 'crate::[a-z_0-9]*\|crate::{[^}]*}' \
      | sed -e 's/^crate:://' -e 's/[{}]//g' | tr ',' '\n' \
      | sed -e 's/^ *//' -e 's/::.*//' \
      | grep -x "$(echo "$modules" | paste -sd'|' | sed 's/|/\\|/g')" \
      | grep -vx "$m" | sort -u | sed "s/^/$m /" || true
  done
}

all=$(edges)
if [ "${1:-}" = "--dot" ]; then
  echo "digraph modules {"
  echo "$all" | awk 'NF == 2 { printf "  %s -> %s;\n", $1, $2 }'
  echo "}"
  exit 0
fi
echo "$all" | awk 'NF == 2 { print $1 " -> " $2 }'
# tsort names the modules of each loop it finds on stderr.
if loops=$(echo "$all" | tsort 2>&1 >/dev/null) && [ -z "$loops" ]; then
  echo "no cycles among $(echo "$modules" | wc -w) modules"
else
  echo "$loops" | sed 's/^tsort: //' >&2
  echo "cycle found" >&2
  exit 1
fi
