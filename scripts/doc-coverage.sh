#!/usr/bin/env bash
# Counts, per module, the public declarations in Sources/ without a doc
# comment (scripts/doc-coverage.py over the symbol graphs).
#   scripts/doc-coverage.sh [--list]
set -euo pipefail
cd "$(dirname "$0")/.."
# dump-symbol-graph also loads the test modules, so they must be built.
swift build --build-tests >/dev/null
swift package dump-symbol-graph --minimum-access-level public >/dev/null
dir=$(ls -d .build/*/symbolgraph | head -1)
exec python3 scripts/doc-coverage.py "$dir" "$@"
