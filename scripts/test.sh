#!/usr/bin/env bash
# Runs gaitline's test suite (installs FFTW first when needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift test "$@"
