#!/usr/bin/env bash
# The lessons' programs, one a line, in the course's order, read from its one list
# (src/tools/lessons.rs: each row's `binary: "…",` line; tests/runner.rs holds this script to
# the list), for the scripts and benches that go through every lesson:
#
#   bash .ci/lessons.sh            # 01_basic … 07_many_clients
#   bash .ci/lessons.sh --checks   # only the lessons `socket-lessons check` has checks for
set -euo pipefail
cd "$(dirname "$0")/.."
case ${1:-} in
'') want=all ;;
--checks) want=checks ;;
*) echo "usage: bash .ci/lessons.sh [--checks]" >&2 && exit 2 ;;
esac
# In a row, `binary` comes before `checks`: a row's program is printed at its `checks` line.
awk -v want="$want" '
    /^        binary: "/ { split($0, q, "\""); binary = q[2]; if (want == "all") print binary }
    /^        checks: true,$/ { if (want == "checks") print binary }
' src/tools/lessons.rs
