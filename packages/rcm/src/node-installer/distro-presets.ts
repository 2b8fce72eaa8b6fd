/**
 * Which Kubernetes distribution runs on the node, told by the containerd config file it has, and so which
 * file the installer edits and how containerd is restarted. Checked in a fixed order (upstream's installer
 * checks in Go map order, which is random); the plain `/etc/containerd/config.toml` comes last. `-c` names
 * any other file (the default preset, with that file).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InstallerError } from './installer-error.js';

export type PresetName = 'microk8s' | 'rke2' | 'k3s' | 'k0s' | 'default';

/** How containerd is restarted on this distribution once the config changed (restart-containerd.ts). */
export type RestartPlan =
  /**
   * Where systemd is reachable, the unit of the containerd that reads the config, else the first unit matching
   * `unit`; without systemd, SIGTERM to that containerd, which its supervisor starts again.
   */
  | { readonly kind: 'systemd'; readonly unit: RegExp }
  /** Never systemd: SIGTERM to the containerd that reads the config; its supervisor starts it again. */
  | { readonly kind: 'signal-containerd' };

export interface Preset {
  readonly name: PresetName;
  /** The file whose presence tells the distribution (host path). */
  readonly detectedBy: string;
  /** The file the runtime goes into (host path). */
  readonly configPath: string;
  /** Where the edited file starts from when it does not exist yet: a copy of this file, or empty. */
  readonly createFrom?: { readonly copyOf: string } | 'empty';
  readonly restart: RestartPlan;
}

const PRESETS: readonly Preset[] = [
  {
    name: 'microk8s',
    detectedBy: '/var/snap/microk8s/current/args/containerd-template.toml',
    configPath: '/var/snap/microk8s/current/args/containerd-template.toml',
    restart: { kind: 'systemd', unit: /^snap\.microk8s\.daemon-containerd\.service$/ },
  },
  {
    name: 'rke2',
    detectedBy: '/var/lib/rancher/rke2/agent/etc/containerd/config.toml',
    configPath: '/var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl',
    createFrom: { copyOf: '/var/lib/rancher/rke2/agent/etc/containerd/config.toml' },
    restart: { kind: 'systemd', unit: /^rke2-(agent|server)\.service$/ },
  },
  {
    name: 'k3s',
    detectedBy: '/var/lib/rancher/k3s/agent/etc/containerd/config.toml',
    configPath: '/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl',
    createFrom: { copyOf: '/var/lib/rancher/k3s/agent/etc/containerd/config.toml' },
    restart: { kind: 'systemd', unit: /^k3s(-.*)?\.service$/ },
  },
  {
    name: 'k0s',
    detectedBy: '/etc/k0s/containerd.toml',
    configPath: '/etc/k0s/containerd.d/config.toml',
    createFrom: 'empty',
    restart: { kind: 'systemd', unit: /^k0s(worker|controller)\.service$/ },
  },
  {
    name: 'default',
    detectedBy: '/etc/containerd/config.toml',
    configPath: '/etc/containerd/config.toml',
    restart: { kind: 'systemd', unit: /^containerd\.service$/ },
  },
];

/** The preset for the node under `hostRoot`, or for the config file `configPath` (a host path) when given. */
export function detectPreset(hostRoot: string, configPath?: string): Preset {
  if (configPath !== undefined) {
    const known = PRESETS.find(
      (preset) => preset.configPath === configPath || preset.detectedBy === configPath,
    );
    return known ?? { ...defaultPreset(), detectedBy: configPath, configPath };
  }
  const found = PRESETS.find((preset) => existsSync(join(hostRoot, preset.detectedBy)));
  if (!found)
    throw new InstallerError(
      'ConfigNotFound',
      `no containerd config found under ${hostRoot}: looked for ${PRESETS.map((p) => p.detectedBy).join(', ')}; name the file with -c`,
    );
  return found;
}

function defaultPreset(): Preset {
  const preset = PRESETS.at(-1);
  if (!preset) throw new Error('no default preset');
  return preset;
}
