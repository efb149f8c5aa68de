#!/usr/bin/env bash
# Patches a copy of FerretDB 1.24.0's source before it is built (docs/adr/0010).
# The SQLite backend creates the _id index on `_ferretdb_sjson->"_id"` but filters by
# `_ferretdb_sjson->'$._id'`; SQLite uses an expression index only for the identical
# expression, so every lookup, update and delete by _id scanned the whole table.
# Filtering with the index's own expression makes them index lookups; results are identical.
set -euo pipefail
file="$1/internal/backends/sqlite/metadata/metadata.go"
before="IDColumn = DefaultColumn + \"->'\$._id'\""
after='IDColumn = DefaultColumn + `->"_id"`'
grep -qF "$before" "$file" || { echo "patch.sh: expected line not found in $file (FerretDB version changed?)" >&2; exit 1; }
sed -i "s|$(printf '%s' "$before" | sed 's/[$.*[\^]/\\&/g')|$after|" "$file"
grep -qF "$after" "$file" || { echo "patch.sh: patch did not apply" >&2; exit 1; }
echo "patch.sh: FerretDB filters by _id with its index expression"
