#!/usr/bin/env bash
# Quickstart, step 1: sets the machine up, builds everything, and serves the example Spin app
# (examples/js-hello, built with Spin's JS SDK toolchain) with the SpinKube runtime. Stop it with Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
npm start
