/**
 * The OCI image config (image-spec `config.json`): platform, how the container runs (user, entrypoint,
 * command, env, working directory, ports, stop signal), labels, and the layers' diff ids with one history
 * line each. `created` is fixed (the epoch unless given) so the same inputs give the same digest.
 */
import type { OciPlatform } from '@spinkube/oci';
import { ImageBuildError } from './errors.js';
import type { ImageLayer } from './layer.js';

export interface RunConfig {
  /** `uid`, `uid:gid` or a user name the image's /etc/passwd knows. */
  readonly user?: string;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** Environment as name → value. */
  readonly env?: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  /** Ports as `80/tcp`, or a bare number (TCP). */
  readonly exposedPorts?: readonly (string | number)[];
  readonly stopSignal?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export const LINUX_AMD64: OciPlatform = { architecture: 'amd64', os: 'linux' };

export function imageConfig(
  layers: readonly ImageLayer[],
  run: RunConfig,
  platform: OciPlatform,
  created: Date,
): Record<string, unknown> {
  const env = Object.entries(run.env ?? {}).map(([name, value]) => {
    if (name === '' || name.includes('='))
      throw new ImageBuildError('ConfigInvalid', `config.env: "${name}" is not a variable name`);
    return `${name}=${value}`;
  });
  const ports = (run.exposedPorts ?? []).map((port) => exposedPort(port));
  const config: Record<string, unknown> = {
    ...(run.user === undefined ? {} : { User: run.user }),
    ...(env.length ? { Env: env } : {}),
    ...(run.entrypoint ? { Entrypoint: [...run.entrypoint] } : {}),
    ...(run.cmd ? { Cmd: [...run.cmd] } : {}),
    ...(run.workingDir === undefined ? {} : { WorkingDir: run.workingDir }),
    ...(ports.length ? { ExposedPorts: Object.fromEntries(ports.map((port) => [port, {}])) } : {}),
    ...(run.stopSignal === undefined ? {} : { StopSignal: run.stopSignal }),
    ...(run.labels && Object.keys(run.labels).length ? { Labels: sortedRecord(run.labels) } : {}),
  };
  const createdText = created.toISOString().replace(/\.000Z$/, 'Z');
  return {
    created: createdText,
    architecture: platform.architecture,
    os: platform.os,
    config,
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    history: layers.map((layer) => ({ created: createdText, created_by: layer.comment })),
  };
}

function exposedPort(port: string | number): string {
  const text = typeof port === 'number' ? `${String(port)}/tcp` : port.includes('/') ? port : `${port}/tcp`;
  const match = /^(\d+)\/(tcp|udp|sctp)$/.exec(text);
  const number = match ? Number(match[1]) : 0;
  if (!match || number < 1 || number > 65535)
    throw new ImageBuildError(
      'ConfigInvalid',
      `config.exposedPorts: "${String(port)}" is not <1-65535>[/tcp|udp|sctp]`,
    );
  return text;
}

/** Keys sorted, so that JSON of the same labels is always the same bytes. */
function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
