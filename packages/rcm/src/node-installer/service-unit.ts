/**
 * The systemd service a process runs in, told by its `/proc/<pid>/cgroup`: the unified hierarchy's line
 * (`0::/system.slice/containerd.service`) or, on cgroup v1, the `name=systemd` one. Restarting that unit
 * restarts the containerd that reads the edited config, even on hosts with several containerds (Docker's
 * and Kubernetes'), where a unit name pattern could pick the wrong one.
 */

/** The last `*.service` in the process's cgroup path; none for processes of a user's systemd manager. */
export function serviceUnitOf(cgroupText: string): string | undefined {
  const path = systemdCgroupPath(cgroupText);
  if (path === undefined) return undefined;
  const segments = path.split('/');
  // A user manager's units (`user@1000.service/app.slice/x.service`) are not the system manager's to restart.
  if (segments.some((segment) => /^user@.*\.service$/.test(segment))) return undefined;
  return segments.findLast((segment) => /^[^/]+\.service$/.test(segment));
}

function systemdCgroupPath(cgroupText: string): string | undefined {
  const lines = cgroupText
    .split('\n')
    .map((line) => /^(\d+):([^:]*):(.*)$/.exec(line.trim()))
    .filter((match) => match !== null);
  const systemd =
    lines.find((match) => match[2]?.split(',').includes('name=systemd')) ??
    lines.find((match) => match[1] === '0' && match[2] === '');
  return systemd?.[3];
}
