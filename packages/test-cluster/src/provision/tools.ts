/**
 * The tools the test clusters need and how each is built from the Go module proxy into the cache. A tool
 * whose binaries are already in its cache directory is never rebuilt.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureGo, runGo } from '@spinkube/dev-cache';
import { Versions } from '../versions.js';
import { toolDir } from './tool-cache.js';

export interface Tool {
  /** Cache directory name. */
  readonly name: string;
  readonly version: string;
  /** Executables the build leaves in the tool's cache directory. */
  readonly binaries: readonly string[];
  /** Builds the binaries into `outDir`. */
  build(go: string, outDir: string): Promise<void>;
}

const KUBERNETES_COMMANDS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

interface WrapperBuild {
  readonly name: string;
  readonly version: string;
  /** The module that holds the commands, e.g. `k8s.io/kubernetes`. */
  readonly module: string;
  /** Version of the sibling modules its go.mod points at by relative path. */
  readonly siblingVersion: string;
  /** Import path of each command, and the binary name it is built as. */
  readonly commands: readonly { readonly pkg: string; readonly binary: string }[];
  /** Go build tags. */
  readonly tags?: readonly string[];
  /** `-X` settings for the linker (version variables). */
  readonly linkerSettings?: Readonly<Record<string, string>>;
}

/**
 * Some modules cannot be `go install`ed because their go.mod replaces sibling modules with relative paths
 * (Kubernetes' `./staging/…`, etcd's `../api`). A throwaway wrapper module requires the module and
 * replaces each of those siblings with its published release instead, then builds the commands.
 */
function wrapperModuleTool(build: WrapperBuild): Tool {
  return {
    name: build.name,
    version: build.version,
    binaries: build.commands.map((command) => command.binary),
    async build(go, outDir) {
      const info = JSON.parse(
        await runGo(go, ['mod', 'download', '-json', `${build.module}@${build.version}`], tmpdir()),
      ) as { GoMod: string };
      const work = mkdtempSync(join(tmpdir(), `spinkube-${build.name}-build-`));
      try {
        writeFileSync(
          join(work, 'go.mod'),
          wrapperGoMod(build.module, build.version, build.siblingVersion, readFileSync(info.GoMod, 'utf8')),
        );
        const imports = build.commands.map((command) => `\t_ "${command.pkg}"`);
        writeFileSync(
          join(work, 'tools.go'),
          ['//go:build tools', '', 'package tools', '', 'import (', ...imports, ')', ''].join('\n'),
        );
        await runGo(go, ['mod', 'tidy'], work);
        for (const command of build.commands) {
          await runGo(
            go,
            [
              'build',
              '-trimpath',
              ...(build.tags?.length ? [`-tags=${build.tags.join(',')}`] : []),
              `-ldflags=${versionLdflags(build)}`,
              '-o',
              join(outDir, command.binary),
              command.pkg,
            ],
            work,
          );
        }
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The wrapper module's go.mod: requires `module@version` and replaces every sibling that the module's own
 * go.mod points at by relative path with `siblingVersion` of the same module path.
 */
export function wrapperGoMod(
  module: string,
  version: string,
  siblingVersion: string,
  moduleGoMod: string,
): string {
  const siblings = [
    ...moduleGoMod.matchAll(/^\s*(?:replace\s+)?([\w./-]+)\s+=>\s+\.{1,2}\/(?!FORBIDDEN)/gm),
  ].map((match) => match[1] ?? '');
  return [
    'module spinkube.dev/tool-build',
    '',
    'go 1.24',
    '',
    `require ${module} ${version}`,
    '',
    'replace (',
    ...siblings.map((sibling) => `\t${sibling} => ${sibling} ${siblingVersion}`),
    ')',
    '',
  ].join('\n');
}

/** Kubernetes reads its version from ldflags; without them it reports v0.0.0 and clients such as helm balk. */
function versionLdflags(build: WrapperBuild): string {
  const settings = Object.entries(build.linkerSettings ?? {}).map(([name, value]) => `-X ${name}=${value}`);
  if (build.module !== 'k8s.io/kubernetes') return ['-s', '-w', ...settings].join(' ');
  const [major = '1', minor = '0'] = build.version.replace(/^v/, '').split('.');
  const vars = { gitVersion: build.version, gitMajor: major, gitMinor: minor, gitTreeState: 'clean' };
  const flags = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) =>
    Object.entries(vars).map(([key, value]) => `-X ${pkg}.${key}=${value}`),
  );
  return ['-s', '-w', ...flags].join(' ');
}

export const kubernetesTool = wrapperModuleTool({
  name: 'kubernetes',
  version: Versions.kubernetes,
  module: 'k8s.io/kubernetes',
  siblingVersion: Versions.kubernetes.replace(/^v1\./, 'v0.'),
  commands: KUBERNETES_COMMANDS.map((binary) => ({ pkg: `k8s.io/kubernetes/cmd/${binary}`, binary })),
});

/**
 * kubelet and kube-proxy for real nodes, at the control plane's version. A tool of its own (not more
 * commands of `kubernetesTool`) so that clusters with kwok nodes never wait for their build.
 */
export const kubernetesNodeTool = wrapperModuleTool({
  name: 'kubernetes-node',
  version: Versions.kubernetes,
  module: 'k8s.io/kubernetes',
  siblingVersion: Versions.kubernetes.replace(/^v1\./, 'v0.'),
  commands: ['kubelet', 'kube-proxy'].map((binary) => ({ pkg: `k8s.io/kubernetes/cmd/${binary}`, binary })),
});

/** kubectl at the control plane's version, for tests that check what users type (`logs`, `port-forward`). */
export const kubectlTool = wrapperModuleTool({
  name: 'kubectl',
  version: Versions.kubernetes,
  module: 'k8s.io/kubernetes',
  siblingVersion: Versions.kubernetes.replace(/^v1\./, 'v0.'),
  commands: [{ pkg: 'k8s.io/kubernetes/cmd/kubectl', binary: 'kubectl' }],
});

/** etcd with watch-progress support (Debian's 3.4 lacks it, which slows every informer's start). */
export const etcdTool = wrapperModuleTool({
  name: 'etcd',
  version: Versions.etcd,
  module: 'go.etcd.io/etcd/server/v3',
  siblingVersion: Versions.etcd,
  commands: [{ pkg: 'go.etcd.io/etcd/server/v3', binary: 'etcd' }],
});

/**
 * containerd and its ctr at a pinned release (`v1.x` or `v2.x`), for nodes and shim tests that need a newer
 * containerd than Debian's 1.6.20: one that hands non-tar (wasm) layers to the shim, and the 2.x line that
 * kind and current clusters run. Its go.mod has `exclude` directives, so `go install` refuses it and the
 * wrapper module builds it. Static (no cgo), without the snapshotters this machine cannot use.
 */
export function containerdTool(version: string): Tool {
  const module = version.startsWith('v1.')
    ? 'github.com/containerd/containerd'
    : 'github.com/containerd/containerd/v2';
  return wrapperModuleTool({
    name: 'containerd',
    version,
    module,
    siblingVersion: version,
    // Its runc shim too: a node's runc pods run under the shim of the same release.
    commands: ['containerd', 'ctr', 'containerd-shim-runc-v2'].map((binary) => ({
      pkg: `${module}/cmd/${binary}`,
      binary,
    })),
    tags: ['no_btrfs', 'no_devmapper', 'no_zfs', 'no_aufs'],
    linkerSettings: { [`${module}/version.Version`]: version },
  });
}

/** A tool that `go install module/cmd@version` builds. */
function goInstallTool(name: string, version: string, binary: string, pkg: string): Tool {
  return {
    name,
    version,
    binaries: [binary],
    async build(go, outDir) {
      await runGo(go, ['install', '-trimpath', '-ldflags=-s -w', `${pkg}@${version}`], tmpdir(), {
        GOBIN: outDir,
      });
    },
  };
}

/**
 * The stages kwok applies to fake nodes and pods (initialise and heartbeat nodes, make pods Ready, finish
 * and delete them). The kwok binary embeds none, so they are taken from the same module version at build
 * time and written beside the binary.
 */
const KWOK_STAGE_FILES = [
  'kustomize/stage/node/fast/node-initialize.yaml',
  'kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'kustomize/stage/pod/fast/pod-ready.yaml',
  'kustomize/stage/pod/fast/pod-complete.yaml',
  'kustomize/stage/pod/fast/pod-delete.yaml',
];
export const KWOK_STAGES_FILE = 'stages.yaml';

const kwokBinary = goInstallTool('kwok', Versions.kwok, 'kwok', 'sigs.k8s.io/kwok/cmd/kwok');
export const kwokTool: Tool = {
  ...kwokBinary,
  binaries: ['kwok', KWOK_STAGES_FILE],
  async build(go, outDir) {
    await kwokBinary.build(go, outDir);
    const info = JSON.parse(
      await runGo(go, ['mod', 'download', '-json', `sigs.k8s.io/kwok@${Versions.kwok}`], tmpdir()),
    ) as {
      Dir: string;
    };
    const stages = KWOK_STAGE_FILES.map((file) => readFileSync(join(info.Dir, file), 'utf8').trim());
    writeFileSync(join(outDir, KWOK_STAGES_FILE), `${stages.join('\n---\n')}\n`);
  },
};
export const corednsTool = goInstallTool(
  'coredns',
  Versions.coredns,
  'coredns',
  'github.com/coredns/coredns',
);
export const helm3Tool = goInstallTool('helm', Versions.helm3, 'helm', 'helm.sh/helm/v3/cmd/helm');
export const helm4Tool = goInstallTool('helm', Versions.helm4, 'helm', 'helm.sh/helm/v4/cmd/helm');
export const kindTool = goInstallTool('kind', Versions.kind, 'kind', 'sigs.k8s.io/kind');
/** Lints the GitHub workflows in the test command. */
export const actionlintTool = goInstallTool(
  'actionlint',
  Versions.actionlint,
  'actionlint',
  'github.com/rhysd/actionlint/cmd/actionlint',
);

/** What the local cluster and the chart tests need. */
export const LOCAL_CLUSTER_TOOLS: readonly Tool[] = [
  etcdTool,
  kubernetesTool,
  kwokTool,
  helm3Tool,
  helm4Tool,
];

export interface ProvisionedTool {
  readonly tool: Tool;
  readonly dir: string;
  /** Seconds spent building, or 0 when the cache already had it. */
  readonly buildSeconds: number;
}

/** Paths to the tool's binaries, building them first when the cache lacks any. */
/** Builds already under way in this process, so two callers never build the same tool at once. */
const building = new Map<string, Promise<ProvisionedTool>>();

export async function ensureTool(
  tool: Tool,
  log: (line: string) => void = () => undefined,
): Promise<ProvisionedTool> {
  const dir = toolDir(tool.name, tool.version);
  if (tool.binaries.every((binary) => existsSync(join(dir, binary)))) return { tool, dir, buildSeconds: 0 };
  const pending = building.get(dir) ?? buildTool(tool, dir, log).finally(() => building.delete(dir));
  building.set(dir, pending);
  return pending;
}

async function buildTool(tool: Tool, dir: string, log: (line: string) => void): Promise<ProvisionedTool> {
  const { go } = await ensureGo({ log });
  log(`building ${tool.name} ${tool.version} with ${go} (first run only; cached in ${dir})`);
  const started = performance.now();
  // Build into a scratch directory and move it in place, so an interrupted build never looks complete.
  const scratch = `${dir}.partial-${String(process.pid)}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    await tool.build(go, scratch);
    rmSync(dir, { recursive: true, force: true });
    renameSync(scratch, dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const buildSeconds = (performance.now() - started) / 1000;
  log(`built ${tool.name} ${tool.version} in ${buildSeconds.toFixed(0)} s`);
  return { tool, dir, buildSeconds };
}

/** Absolute path of one binary of a provisioned tool. */
export const binaryPath = (provisioned: ProvisionedTool, binary: string): string =>
  join(provisioned.dir, binary);
