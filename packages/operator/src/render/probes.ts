/** The readiness and liveness probes of the app container, from `spec.checks` (HTTP GET only, port 80). */
import type { V1Probe } from '@kubernetes/client-node';
import { Workload, type HealthProbe } from '@spinkube/api';

export class ProbeError extends Error {
  override readonly name = 'ProbeError';
}

export function renderProbe(
  probe: HealthProbe | undefined,
  kind: 'readiness' | 'liveness',
): V1Probe | undefined {
  if (!probe) return undefined;
  if (!probe.httpGet) {
    throw new ProbeError(
      `failed to construct ${kind} probe: probe exists but with unknown configuration, expected httpGet`,
    );
  }
  return {
    httpGet: {
      path: probe.httpGet.path,
      port: Workload.httpPort,
      ...(probe.httpGet.httpHeaders && probe.httpGet.httpHeaders.length > 0
        ? { httpHeaders: probe.httpGet.httpHeaders.map(({ name, value }) => ({ name, value })) }
        : {}),
    },
    initialDelaySeconds: probe.initialDelaySeconds ?? 10,
    timeoutSeconds: probe.timeoutSeconds ?? 1,
    periodSeconds: probe.periodSeconds ?? 10,
    successThreshold: probe.successThreshold ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}
