# shellcheck shell=bash
# Everything scripts/setup.sh installs, plus what the tests need. Sourced by scripts/test.sh.
#
# Debian packages (apt): the real parts the integration tests start themselves: containerd and runc (any
#   containerd already on PATH, e.g. Docker's containerd.io, is used as it is), Debian's OCI registry
#   (docker-registry), redis-server, iproute2 and util-linux (network namespaces, mounts), binutils (strip,
#   for the shim's executable), git, and shellcheck (actionlint runs it on the workflows' scripts); for the
#   e2e suite's real node: CNI plugins (containernetworking-plugins), iptables and conntrack (kube-proxy),
#   busybox-static (the pause image and the tests' runc images).
# Not installed here: Go and the Kubernetes binaries. The tests build the pinned tools (kube-apiserver,
#   etcd, kwok, helm, actionlint) into ~/.cache/spinkube once; only then is Go needed, and when the machine's
#   Go is missing or older than the pinned minimum, the pinned Go toolchain is installed from the Go module
#   proxy into ~/.cache/spinkube/go/ (the machine's Go is never touched). With those tools cached, no Go at all.
# Upstream fixtures: the tests read them from $SPINKUBE_UPSTREAM_FIXTURES, else ../shared/fixtures/upstream/,
#   else download them from the pinned upstream commit into ~/.cache/spinkube/upstream-fixtures/.

# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" || return 1

spinkube_install_debian_packages ca-certificates git containerd:containerd runc:runc docker-registry \
  redis-server iproute2 util-linux binutils shellcheck containernetworking-plugins iptables conntrack \
  busybox-static || return 1
