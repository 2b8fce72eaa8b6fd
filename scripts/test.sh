#!/usr/bin/env bash
# Quickstart, step 2: sets the machine up for the tests, then builds, lints, type-checks and runs every test.
# This is the command CI runs (.ci/run). As root everything runs in one go. As a normal user, the projects
# that need root (ROOT_PROJECTS in vitest.shared.ts) run through sudo, which asks for a password at most once,
# before anything starts; without sudo, the rest runs and the script ends by saying how to run those.
set -euo pipefail
# shellcheck source=scripts/setup-tests.sh
source "$(dirname "$0")/setup-tests.sh"

if [ "$(id -u)" -eq 0 ]; then
  npm run check
  exit
fi

mapfile -t root_projects < <(node --input-type=module -e \
  'const { ROOT_PROJECTS } = await import("./vitest.shared.ts"); console.log(ROOT_PROJECTS.join("\n"))')
excluded=() included=()
for project in "${root_projects[@]}"; do
  excluded+=(--project "!$project")
  included+=(--project "$project")
done
spinkube_log "running as $(id -un): these test projects need root (containerd, mounts, network namespaces): ${root_projects[*]}"

have_sudo=false
if command -v sudo >/dev/null 2>&1; then
  if sudo -n true 2>/dev/null; then
    have_sudo=true
  elif [ -t 0 ]; then
    spinkube_log "they run through sudo; asking for your password once, now"
    sudo -v && have_sudo=true
  fi
fi
if $have_sudo; then
  # Keeps sudo's timestamp fresh for the whole run, so it never asks again halfway.
  (while sleep 60; do sudo -n -v 2>/dev/null || exit; done) &
  keepalive=$!
  trap 'kill "$keepalive" 2>/dev/null || true' EXIT
else
  spinkube_log "no usable sudo: everything else runs now; those projects are listed again at the end"
fi

status=0
npm run check:static
npx vitest run "${excluded[@]}" || status=$?

if $have_sudo; then
  spinkube_log "running as root through sudo: ${root_projects[*]}"
  # vitest itself, not npx: npx would leave root-owned logs in the user's ~/.npm.
  # Go's telemetry counters (Go runs when a tool is built) go to the cache, not to a root-owned ~/.config/go.
  sudo env "PATH=$PATH" "HOME=$HOME" "SPINKUBE_CACHE=$spinkube_cache" "XDG_CONFIG_HOME=$spinkube_cache/config" \
    ${SPINKUBE_UPSTREAM_FIXTURES:+"SPINKUBE_UPSTREAM_FIXTURES=$SPINKUBE_UPSTREAM_FIXTURES"} ${CI:+CI=$CI} \
    node_modules/.bin/vitest run "${included[@]}" || status=$?
  # Whatever root wrote into the checkout, the cache or Go's caches (a tool built under sudo) goes back to
  # the user, so later runs and the user's own Go can replace it.
  sudo find "$spinkube_root" "$spinkube_cache" "${GOCACHE:-$HOME/.cache/go-build}" "${GOPATH:-$HOME/go}" \
    -xdev -uid 0 -exec chown -h "$(id -u):$(id -g)" {} + 2>/dev/null || true
else
  spinkube_log "not run (they need root): ${root_projects[*]}"
  spinkube_log "run them as root with: sudo env \"PATH=\$PATH\" node_modules/.bin/vitest run ${included[*]}"
  status=1
fi
exit "$status"
