#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of every packable library from the code as it is now.
#
# Microsoft.CodeAnalysis.PublicApiAnalyzers reports each public symbol missing from the
# PublicAPI.*.txt files as RS0016, with the exact line the file needs ("Symbol '<line>' is not
# part of the declared public API"). This script empties each PublicAPI.Unshipped.txt, builds the
# library once, and writes the reported lines back, sorted. PublicAPI.Shipped.txt (what a release
# has shipped) is kept; a shipped symbol that is gone (RS0017) is a breaking change, so it is only
# removed with --remove-shipped, and listed either way.
#
# Usage: eng/update-public-api.sh [--remove-shipped] [src/BareLb.X ...]   (default: every library
# under src/ whose project sets IsPackable). Re-run after merging branches that change public
# types; check the diff of PublicAPI.Unshipped.txt as a review of the public surface.
set -euo pipefail
cd "$(dirname "$0")/.."

remove_shipped=false
if [ "${1:-}" = "--remove-shipped" ]; then remove_shipped=true; shift; fi

if [ "$#" -gt 0 ]; then
  projects=("$@")
else
  mapfile -t projects < <(grep -l '<IsPackable>true</IsPackable>' src/*/*.csproj | xargs -n1 dirname | sort)
fi

for dir in "${projects[@]}"; do
  [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# A library whose file is still empty fails its build and so stops the libraries that reference it;
# each pass settles at least the libraries whose references are settled, so passes <= depth + 1.
# Builds are incremental: rewriting PublicAPI.Unshipped.txt (an input of the compiler) recompiles the
# library, and a library that built clean with its files stays settled.
declare -A settled=()
for pass in 1 2 3 4 5; do
  for dir in "${projects[@]}"; do
    [ -n "${settled[$dir]:-}" ] && continue
    csproj=$(ls "$dir"/*.csproj)
    dotnet build "$csproj" -c Release -nologo -v q >"$log" 2>&1 || true
    if grep -q "error CS\|error NU\|error MSB" "$log"; then
      # Not an API error: a reference did not build yet (settled in a later pass), or a real error.
      if ! grep -q "error RS00" "$log"; then continue; fi
    fi
    if ! grep -q "error" "$log"; then settled[$dir]=1; continue; fi
    missing=$(grep -oP "$(printf '%s' "$dir" | sed 's/[.]/[.]/g')/.*?error RS0016: Symbol '\K.*(?=' is not part of the declared public API)" "$log" | sort -u || true)
    gone=$(grep -oP "$(printf '%s' "$dir" | sed 's/[.]/[.]/g')/.*?error RS0017: Symbol '\K.*(?=' is part of the declared API, but is either not public or could not be found)" "$log" | sort -u || true)
    other=$(grep -oP "$(printf '%s' "$dir" | sed 's/[.]/[.]/g')/.*?error \KRS00(?!16|17)[0-9]+: [^[]*" "$log" | sort -u || true)
    if [ -n "$other" ]; then
      echo "$dir: public API errors this script does not fix:" >&2
      printf '  %s\n' "$other" >&2
      exit 1
    fi
    if [ -n "$missing" ]; then
      { cat "$dir/PublicAPI.Unshipped.txt"; printf '%s\n' "$missing"; } | { read -r first; echo "$first"; sort -u; } > "$dir/PublicAPI.Unshipped.txt.new"
      mv "$dir/PublicAPI.Unshipped.txt.new" "$dir/PublicAPI.Unshipped.txt"
    fi
    if [ -n "$gone" ]; then
      echo "$dir: shipped public API no longer in the code (a breaking change):" >&2
      printf '  %s\n' "$gone" >&2
      if $remove_shipped; then
        grep -vxF -f <(printf '%s\n' "$gone") "$dir/PublicAPI.Shipped.txt" > "$dir/PublicAPI.Shipped.txt.new" || true
        mv "$dir/PublicAPI.Shipped.txt.new" "$dir/PublicAPI.Shipped.txt"
      else
        echo "  (re-run with --remove-shipped to drop these lines)" >&2
        exit 1
      fi
    fi
  done
  if [ "${#settled[@]}" -eq "${#projects[@]}" ]; then
    for dir in "${projects[@]}"; do
      printf '%-28s %5d public API lines\n' "$dir" "$(($(cat "$dir"/PublicAPI.*.txt | grep -vc '^#nullable')))"
    done
    exit 0
  fi
done
echo "The public API files did not settle after 5 passes; last build output:" >&2
cat "$log" >&2
exit 1
