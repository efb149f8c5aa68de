#!/usr/bin/env bash
# Applies Orga's patches to a copy of FerretDB 1.24.0's source before it is built
# (docs/adr/0011-local-database-patches.md). Each patch must apply exactly (no fuzz, no offset
# guessing past its context): a FerretDB version whose source differs fails the build instead
# of silently building without a patch.
#   0001 _id filter written with the _id index's own expression (was ADR 10)
#   0002 equality and $in on top-level fields pushed down to SQLite, index-served
#   0003 update/findAndModify/delete atomic per collection; each update statement closes its query
#   0004 an update's modified documents written in batches, one SQLite transaction each
#   0005 $group with several accumulators and $unwind give MongoDB's answers
#   0006 distinct accepts (and ignores) maxTimeMS, which PyMongo sends under pymongo.timeout
set -euo pipefail
src="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v patch >/dev/null 2>&1 || { echo "patch.sh: the 'patch' program is required" >&2; exit 1; }
for p in "$here"/patches/*.patch; do
  patch -d "$src" -p1 --batch --forward --fuzz=0 --no-backup-if-mismatch --quiet <"$p" \
    || { echo "patch.sh: $(basename "$p") does not apply to $src (FerretDB version changed?)" >&2; exit 1; }
  echo "patch.sh: applied $(basename "$p")"
done
