#!/usr/bin/env bash
# Quickstart, step 1: sets the machine up (Node 24 and the npm packages; nothing else), builds the runtime
# and the example, and serves examples/js-app (a component built with Spin's JS SDK toolchain: routes,
# variables, key-value, SQLite, outbound HTTP) with the SpinKube runtime. Stop it with Ctrl-C.
set -euo pipefail
printf '\033[1mquickstart:\033[0m setting up (Node 24 and npm packages; nothing is installed when present)\n' >&2
# shellcheck source=scripts/setup.sh
source "$(dirname "$0")/setup.sh"
npm start
