import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { install } from './install.js';
import { uninstall } from './uninstall.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rcm-node-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Every file under `root` with its bytes, for before/after comparisons. */
function snapshot(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(root, path)] = readFileSync(path, 'latin1');
    }
  };
  walk(root);
  return files;
}

const CONTAINERD_CONFIG =
  'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  default_runtime_name = "runc"\n';
const assets = (content = 'shim binary v1') => tree({ 'containerd-shim-spin-v2': content });

const nodes: Record<string, Record<string, string>> = {
  default: { 'etc/containerd/config.toml': CONTAINERD_CONFIG },
  k3s: { 'var/lib/rancher/k3s/agent/etc/containerd/config.toml': CONTAINERD_CONFIG },
  rke2: { 'var/lib/rancher/rke2/agent/etc/containerd/config.toml': CONTAINERD_CONFIG },
  k0s: { 'etc/k0s/containerd.toml': '# k0s main config\n' },
  microk8s: { 'var/snap/microk8s/current/args/containerd-template.toml': CONTAINERD_CONFIG },
};
const edited: Record<string, string> = {
  default: 'etc/containerd/config.toml',
  k3s: 'var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl',
  rke2: 'var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl',
  k0s: 'etc/k0s/containerd.d/config.toml',
  microk8s: 'var/snap/microk8s/current/args/containerd-template.toml',
};

describe('install and uninstall on each distribution', () => {
  for (const [preset, files] of Object.entries(nodes)) {
    it(`${preset}: puts the binary, runtime and lock entry in place, changes nothing the second time, and uninstall restores every byte`, () => {
      const root = tree(files);
      const before = snapshot(root);
      const first = install({
        hostRoot: root,
        assetDir: assets(),
        runtimeOptions: { SystemdCgroup: 'true' },
      });
      expect(first).toMatchObject({
        runtimes: ['spin-v2'],
        configPath: `/${edited[preset] ?? ''}`,
        configChanged: true,
        binaries: [{ path: '/opt/rcm/bin/containerd-shim-spin-v2', changed: true }],
        restart: true,
        notes: [],
      });
      expect(first.preset.name).toBe(preset);
      expect(readFileSync(join(root, 'opt/rcm/bin/containerd-shim-spin-v2'), 'utf8')).toBe('shim binary v1');
      expect(statSync(join(root, 'opt/rcm/bin/containerd-shim-spin-v2')).mode & 0o777).toBe(0o755);
      const config = readFileSync(join(root, edited[preset] ?? ''), 'utf8');
      expect(config).toContain('runtime_type = "/opt/rcm/bin/containerd-shim-spin-v2"');
      expect(config).toContain('SystemdCgroup = true');
      const lock = JSON.parse(readFileSync(join(root, 'opt/rcm/rcm-lock.json'), 'utf8')) as {
        shims: Record<string, { sha256: string; path: string }>;
      };
      expect(lock.shims['spin-v2']).toMatchObject({ path: '/opt/rcm/bin/containerd-shim-spin-v2' });
      expect(lock.shims['spin-v2']?.sha256).toMatch(/^[0-9a-f]{64}$/);

      const installed = snapshot(root);
      expect(
        install({ hostRoot: root, assetDir: assets(), runtimeOptions: { SystemdCgroup: 'true' } }),
      ).toMatchObject({
        configChanged: false,
        binaries: [{ path: '/opt/rcm/bin/containerd-shim-spin-v2', changed: false }],
        restart: false,
      });
      expect(snapshot(root)).toEqual(installed);

      const removed = uninstall({ hostRoot: root, name: 'spin-v2' });
      expect(removed).toMatchObject({
        configPath: `/${edited[preset] ?? ''}`,
        binaryPath: '/opt/rcm/bin/containerd-shim-spin-v2',
        restart: true,
      });
      expect(removed.preset.name).toBe(preset);
      expect(snapshot(root)).toEqual(before);
      expect(() => readdirSync(join(root, 'opt/rcm'))).toThrow(/ENOENT/);
    });
  }
});

describe('install', () => {
  it('replaces a changed binary by rename, never by rewriting the file containerd runs', () => {
    const root = tree(nodes['default'] ?? {});
    install({ hostRoot: root, assetDir: assets('v1') });
    const binary = join(root, 'opt/rcm/bin/containerd-shim-spin-v2');
    const inode = statSync(binary).ino;
    const second = install({ hostRoot: root, assetDir: assets('v2') });
    expect(second.restart).toBe(true);
    expect(readFileSync(binary, 'utf8')).toBe('v2');
    expect(statSync(binary).ino).not.toBe(inode);
  });

  it('reinstalls when only the runtime options change', () => {
    const root = tree(nodes['default'] ?? {});
    install({ hostRoot: root, assetDir: assets(), runtimeOptions: { SystemdCgroup: 'true' } });
    const changed = install({
      hostRoot: root,
      assetDir: assets(),
      runtimeOptions: { SystemdCgroup: 'false' },
    });
    expect(changed.restart).toBe(true);
    expect(readFileSync(join(root, 'etc/containerd/config.toml'), 'utf8')).toContain('SystemdCgroup = false');
  });

  it('keeps the config file mode', () => {
    const root = tree(nodes['default'] ?? {});
    chmodSync(join(root, 'etc/containerd/config.toml'), 0o600);
    install({ hostRoot: root, assetDir: assets() });
    expect(statSync(join(root, 'etc/containerd/config.toml')).mode & 0o777).toBe(0o600);
  });

  it('leaves the node untouched when its config is not TOML, saying which file and line', () => {
    const root = tree({ 'etc/containerd/config.toml': 'version = 2\n[plugins\n' });
    const before = snapshot(root);
    expect(() => install({ hostRoot: root, assetDir: assets() })).toThrow(
      /\/etc\/containerd\/config\.toml:\d+:\d+: not valid TOML/,
    );
    expect(snapshot(root)).toEqual(before);
  });

  it('says what is missing: no containerd config, no shim in the assets', () => {
    expect(() => install({ hostRoot: tree({ 'etc/hostname': 'node\n' }), assetDir: assets() })).toThrow(
      /no containerd config found under .*\/etc\/containerd\/config\.toml; name the file with -c/,
    );
    const empty = tree({ 'README.txt': 'x' });
    expect(() => install({ hostRoot: tree(nodes['default'] ?? {}), assetDir: empty })).toThrow(
      /holds no containerd-shim-<name> file \(found: README\.txt\)/,
    );
  });

  it('edits the file given with -c, with the default preset', () => {
    const root = tree({ 'srv/containerd.toml': CONTAINERD_CONFIG });
    const result = install({ hostRoot: root, assetDir: assets(), configPath: '/srv/containerd.toml' });
    expect(result.preset).toMatchObject({ name: 'default', configPath: '/srv/containerd.toml' });
    expect(readFileSync(join(root, 'srv/containerd.toml'), 'utf8')).toContain('containerd-shim-spin-v2');
  });
});

describe('uninstall', () => {
  it('refuses a shim the lock file does not know', () => {
    expect(() => uninstall({ hostRoot: tree(nodes['default'] ?? {}), name: 'spin-v2' })).toThrow(
      'shim spin-v2 is not installed (/opt/rcm/rcm-lock.json)',
    );
  });

  it('removes one shim and keeps another', () => {
    const root = tree(nodes['default'] ?? {});
    install({ hostRoot: root, assetDir: assets() });
    install({ hostRoot: root, assetDir: tree({ 'containerd-shim-wasmtime-v1': 'other' }) });
    uninstall({ hostRoot: root, name: 'spin-v2' });
    const config = readFileSync(join(root, 'etc/containerd/config.toml'), 'utf8');
    expect(config).not.toContain('spin-v2');
    expect(config).toContain('containerd-shim-wasmtime-v1');
    expect(readdirSync(join(root, 'opt/rcm/bin'))).toEqual(['containerd-shim-wasmtime-v1']);
  });
});
