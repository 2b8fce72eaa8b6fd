/**
 * The node's containerd: its CRI config written to the node's own /etc/containerd/config.toml (which it
 * reads by that path, as on a real node), registry hosts and CNI network into the node's directory, the
 * release's runc shim and the Spin shim on its PATH; started under the supervisor, both in the node's
 * network and mount namespaces and cgroup; resolves once it answers `ctr version`.
 */
import { mkdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformNames } from '@spinkube/api';
import { TestClusterError } from '../errors.js';
import { startProcess, waitFor, type StartedProcess } from '../local/processes.js';
import { binaryPath, containerdTool, ensureTool } from '../provision/tools.js';
import { Versions } from '../versions.js';
import { CNI_CONFIG_FILE, renderCniConfig } from './cni-config.js';
import { createCgroup } from './node-cgroups.js';
import { inNode, nodeNamespaces, NSENTER, SYSTEM_PATH } from './node-commands.js';
import { plainHttpRegistryHosts, renderNodeContainerdConfig } from './node-containerd-config.js';
import { hostPathOf } from './node-mount-namespace.js';
import type { NodeContainerd, RealNodeState } from './real-node.js';
import { runCommand } from '../run-command.js';

export const CNI_BIN = '/usr/lib/cni';
const SUPERVISOR = join(import.meta.dirname, 'supervise.js');

export async function startNodeContainerd(
  node: RealNodeState,
  options: { readonly logDir: string; readonly shim?: string },
  started: (process: StartedProcess) => void,
): Promise<void> {
  const paths = {
    root: join(node.dir, 'containerd', 'root'),
    state: join(node.dir, 'containerd', 'state'),
    address: node.containerd.address,
    registryConfig: join(node.dir, 'containerd', 'certs.d'),
    cniConfig: join(node.dir, 'cni', 'net.d'),
    cniBin: CNI_BIN,
    opt: join(node.dir, 'containerd', 'opt'),
    runcRoot: join(node.dir, 'containerd', 'runc'),
  };
  for (const path of [paths.root, paths.state, paths.cniConfig, join(paths.registryConfig, node.registry)])
    mkdirSync(path, { recursive: true });
  writeFileSync(
    join(paths.registryConfig, node.registry, 'hosts.toml'),
    plainHttpRegistryHosts(node.registry),
  );
  writeFileSync(
    join(paths.cniConfig, CNI_CONFIG_FILE),
    renderCniConfig({ podCidr: node.network.podCidr, ipamDir: join(node.dir, 'cni', 'ipam') }),
  );
  writeFileSync(
    hostPathOf(node.nodeRoot, node.containerd.config),
    renderNodeContainerdConfig({
      major: node.containerd.line === 'v2' ? 2 : 1,
      paths,
      sandboxImage: node.pauseImage,
      handlers: Object.fromEntries(node.handlers.map((handler) => [handler, PlatformNames.runtimeType])),
    }),
  );
  // containerd finds shims on its PATH: the node's bin dir (the release's runc shim, the Spin shim) first.
  const bin = join(node.dir, 'bin');
  if (node.containerd.runcShim) symlinkSync(node.containerd.runcShim, join(bin, 'containerd-shim-runc-v2'));
  if (options.shim) symlinkSync(options.shim, join(bin, PlatformNames.shimBinary));
  createCgroup(`${node.cgroupRoot}/runtime`);
  createCgroup(`${node.cgroupRoot}/system`);
  // The supervisor is in the namespaces too, as systemd is on a real node: a containerd it starts again
  // after an installer's SIGTERM reads the node's config, not the host's.
  const containerdProcess = startProcess(
    'containerd',
    NSENTER,
    inNode(nodeNamespaces(node), process.execPath, [
      SUPERVISOR,
      `--cgroup=${node.cgroupRoot}/runtime`,
      `--pid-file=${node.containerd.pidFile}`,
      '--',
      node.containerd.binary,
      '--config',
      node.containerd.config,
    ]),
    options.logDir,
    { PATH: [bin, ...SYSTEM_PATH].join(':'), SPINKUBE_SHIM_DATA_DIR: join(node.dir, 'shim') },
  );
  started(containerdProcess);
  await waitFor(
    `containerd ${node.containerd.version} on ${node.containerd.address}`,
    async () =>
      (
        await runCommand(node.containerd.ctr, ['--address', node.containerd.address, 'version'], {
          timeoutMs: 5_000,
        })
      ).code === 0,
    { timeoutMs: 30_000, process: containerdProcess },
  );
}

export interface ContainerdBinaries {
  readonly version: string;
  readonly containerd: string;
  readonly ctr: string;
  /** The release's runc shim; Debian's is on the system PATH. */
  readonly runcShim?: string;
}

export async function containerdBinaries(
  line: NodeContainerd,
  log: (line: string) => void = () => undefined,
): Promise<ContainerdBinaries> {
  if (line === 'debian') {
    if (!existsSync('/usr/bin/containerd'))
      throw new TestClusterError(
        'BinaryMissing',
        "/usr/bin/containerd is missing: install Debian's containerd",
      );
    return { version: 'debian', containerd: '/usr/bin/containerd', ctr: '/usr/bin/ctr' };
  }
  const version = line === 'v1' ? Versions.containerd1 : Versions.containerd2;
  const tool = await ensureTool(containerdTool(version), log);
  return {
    version,
    containerd: binaryPath(tool, 'containerd'),
    ctr: binaryPath(tool, 'ctr'),
    runcShim: binaryPath(tool, 'containerd-shim-runc-v2'),
  };
}
