/**
 * The node's containerd config with CRI on: every path the cluster's own, runc and the Spin shim as runtime
 * handlers, CNI from Debian's plugins, the local registry over plain HTTP (a `hosts.toml`), and the pause
 * image built locally. containerd 1.x reads config version 2, 2.x version 3, where CRI's settings moved to
 * other plugins; each line says why it is there.
 */

export interface NodeContainerdPaths {
  readonly root: string;
  readonly state: string;
  readonly address: string;
  /** Directory of `<host:port>/hosts.toml` files. */
  readonly registryConfig: string;
  readonly cniConfig: string;
  readonly cniBin: string;
  /** Where the opt plugin would install binaries; without it containerd creates /opt/containerd. */
  readonly opt: string;
  /** runc's state directory (not /run/containerd/runc, which the machine's own containerd uses). */
  readonly runcRoot: string;
}

export interface NodeContainerdConfig {
  /** containerd's major version: 1 (config version 2) or 2 (config version 3). */
  readonly major: 1 | 2;
  readonly paths: NodeContainerdPaths;
  /** The sandbox (pause) image, e.g. `10.250.3.1:5000/spinkube/pause:1.0`. */
  readonly sandboxImage: string;
  /** Runtime handler name → runtime type, beside `runc` (e.g. `spin-v2` → `io.containerd.spin.v2`). */
  readonly handlers: Readonly<Record<string, string>>;
}

const q = (value: string) => JSON.stringify(value);

export function renderNodeContainerdConfig(config: NodeContainerdConfig): string {
  return config.major === 1 ? version2(config) : version3(config);
}

function common(config: NodeContainerdConfig, version: number): string[] {
  const { paths } = config;
  return [
    `version = ${String(version)}`,
    `root = ${q(paths.root)}`,
    `state = ${q(paths.state)}`,
    '',
    '[grpc]',
    `  address = ${q(paths.address)}`,
    '',
    '[ttrpc]',
    `  address = ${q(`${paths.address}.ttrpc`)}`,
    '',
    '[debug]',
    '  level = "info"',
    '',
  ];
}

/** containerd 1.x: every CRI setting under `io.containerd.grpc.v1.cri`. */
function version2(config: NodeContainerdConfig): string {
  const { paths } = config;
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    ...common(config, 2),
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(paths.opt)}`,
    '',
    `[${cri}]`,
    `  sandbox_image = ${q(config.sandboxImage)}`,
    // This VM lacks CAP_SYS_RESOURCE: without it runc fails every sandbox ("can't get final child's PID").
    '  restrict_oom_score_adj = true',
    // Pod netns mounts under the state dir, not /run/netns, where `ip netns` mounts would hide them.
    '  netns_mounts_under_state_dir = true',
    '  enable_cdi = false',
    '',
    `[${cri}.containerd]`,
    '  default_runtime_name = "runc"',
    '',
    ...runtimes(`${cri}.containerd.runtimes`, config),
    `[${cri}.cni]`,
    `  bin_dir = ${q(paths.cniBin)}`,
    `  conf_dir = ${q(paths.cniConfig)}`,
    '',
    `[${cri}.registry]`,
    `  config_path = ${q(paths.registryConfig)}`,
    '',
  ].join('\n');
}

/** containerd 2.x: images, runtime and the gRPC service are separate CRI plugins; NRI is on by default. */
function version3(config: NodeContainerdConfig): string {
  const { paths } = config;
  return [
    ...common(config, 3),
    "[plugins.'io.containerd.internal.v1.opt']",
    `  path = ${q(paths.opt)}`,
    '',
    "[plugins.'io.containerd.cri.v1.images'.pinned_images]",
    `  sandbox = ${q(config.sandboxImage)}`,
    '',
    "[plugins.'io.containerd.cri.v1.images'.registry]",
    `  config_path = ${q(paths.registryConfig)}`,
    '',
    // 2.x pulls through the transfer service, which reads its own registry hosts directory.
    "[plugins.'io.containerd.transfer.v1.local']",
    `  config_path = ${q(paths.registryConfig)}`,
    '',
    "[plugins.'io.containerd.cri.v1.runtime']",
    '  restrict_oom_score_adj = true',
    '  netns_mounts_under_state_dir = true',
    '  enable_cdi = false',
    '',
    "[plugins.'io.containerd.cri.v1.runtime'.containerd]",
    "  default_runtime_name = 'runc'",
    '',
    ...runtimes("plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes", config),
    "[plugins.'io.containerd.cri.v1.runtime'.cni]",
    `  bin_dirs = [${q(paths.cniBin)}]`,
    `  conf_dir = ${q(paths.cniConfig)}`,
    '',
    // Its socket is machine-wide (/var/run/nri/nri.sock); a test node has no NRI plugins.
    "[plugins.'io.containerd.nri.v1.nri']",
    '  disable = true',
    '',
  ].join('\n');
}

function runtimes(table: string, config: NodeContainerdConfig): string[] {
  const lines = [
    `[${table}.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    `[${table}.runc.options]`,
    '  SystemdCgroup = false',
    `  Root = ${q(config.paths.runcRoot)}`,
    '',
  ];
  for (const [handler, runtimeType] of Object.entries(config.handlers))
    lines.push(`[${table}.${q(handler)}]`, `  runtime_type = ${q(runtimeType)}`, '');
  return lines;
}

/** `hosts.toml` for a registry reached over plain HTTP (`host` is `<address>:<port>`). */
export function plainHttpRegistryHosts(host: string): string {
  return [
    `server = ${q(`http://${host}`)}`,
    '',
    `[host.${q(`http://${host}`)}]`,
    '  capabilities = ["pull", "resolve"]',
    '',
  ].join('\n');
}
