#!/usr/bin/env bash
# Quickstart, step 1: sets the machine up, builds everything, and serves the example Spin app
# (examples/js-app, built with Spin's JS SDK toolchain: routes, variables, key-value, SQLite, outbound HTTP) with the SpinKube runtime. Stop it with Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
npm start
