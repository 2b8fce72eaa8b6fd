/**
 * A container path as a host path. The app runs without its own mount namespace, so a path the pod sees
 * (`/spin.toml`, a ConfigMap mounted at `/runtime-config.toml`) is found the way the kernel would: the
 * bind mount with the longest destination that contains it, else the root filesystem.
 */
import { join, posix } from 'node:path';
import type { BundleSpec, SpecMount } from './oci-spec.js';

export function hostPath(spec: Pick<BundleSpec, 'rootPath' | 'mounts'>, containerPath: string): string {
  const path = posix.normalize(posix.join('/', containerPath));
  let best: SpecMount | undefined;
  for (const mount of spec.mounts) {
    if (!isBind(mount) || !contains(mount.destination, path)) continue;
    if (!best || mount.destination.length >= best.destination.length) best = mount;
  }
  if (!best) return join(spec.rootPath, path);
  const rest = path.slice(posix.normalize(best.destination).replace(/\/$/, '').length);
  return rest === '' ? best.source : join(best.source, rest);
}

function isBind(mount: SpecMount): boolean {
  return mount.type === 'bind' || mount.options.includes('bind') || mount.options.includes('rbind');
}

function contains(destination: string, path: string): boolean {
  const dir = posix.normalize(destination).replace(/\/$/, '');
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}
