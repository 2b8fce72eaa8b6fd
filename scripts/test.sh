#!/usr/bin/env bash
# Quickstart, step 2: sets the machine up, then builds, lints, type-checks and runs every test.
# This is the command CI runs (.ci/run).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
npm run check
