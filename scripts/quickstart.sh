#!/usr/bin/env bash
# Quickstart, step 1: sets the machine up and runs the platform's main job.
# Today that is generating the CRDs from @spinkube/api; once the runtime lands it serves an example app.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
npx nx run api:generate --outputStyle=static
echo
echo "The CRDs are in charts/spinkube-crds/templates/. Install them with:"
echo "  helm install spinkube-crds charts/spinkube-crds   # or: kubectl apply -f charts/spinkube-crds/templates/"
