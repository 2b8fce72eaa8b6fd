/**
 * deploy/ is plain YAML kept by hand; these checks keep it consistent with the manager it deploys: the
 * flags parse and match the probes and ports, the environment gives valid settings with the images of this
 * version, and the service account holds every permission the manager uses (and only in its namespace for
 * Jobs and pods).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1ClusterRole, V1Deployment, V1PolicyRule, V1Role } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { managerProgram, type ManagerOptions } from '../src/cli/manager-program.js';
import { rcmVersion } from '../src/cli/version.js';
import { managerSettings } from '../src/controller/manager-settings.js';

const deployDir = join(import.meta.dirname, '..', 'deploy');
const NAMESPACE = 'runtime-class-manager';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

const manifests: Manifest[] = readdirSync(deployDir)
  .filter((file) => file.endsWith('.yaml'))
  .sort()
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(deployDir, file), 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.join('; ')}`);
      return document.toJS() as Manifest;
    }),
  );

function find(kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`deploy/ has no ${kind} ${name}`);
  return found;
}

const deployment = find('Deployment', 'runtime-class-manager') as unknown as V1Deployment;
const container = deployment.spec?.template.spec?.containers.find((c) => c.name === 'manager');

function allows(rules: readonly V1PolicyRule[], group: string, resource: string, verb: string): boolean {
  return rules.some(
    (rule) =>
      (rule.apiGroups ?? []).includes(group) &&
      rule.resources?.includes(resource) &&
      rule.verbs.includes(verb),
  );
}

describe('deploy/', () => {
  it('runs the manager with flags it parses, probes on its health address and leader election', () => {
    const flags = managerProgram('test')
      .exitOverride()
      .parse(['node', 'runtime-class-manager', ...(container?.args ?? [])])
      .opts<ManagerOptions>();
    expect(flags.leaderElect).toBe(true);
    expect(flags.leaderElectionId).toBe('7584d300.spinkube.dev');
    const healthPort = Number(flags.healthProbeBindAddress.split(':').at(-1));
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: healthPort });
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: healthPort });
    expect(container?.ports?.map((p) => p.containerPort)).toEqual([
      Number(flags.metricsBindAddress.split(':').at(-1)),
      healthPort,
    ]);
  });

  it("names this version's images, and its environment gives valid settings", () => {
    const version = rcmVersion();
    expect(container?.image).toBe(`ghcr.io/spinkube/runtime-class-manager:${version}`);
    const env = Object.fromEntries(
      (container?.env ?? []).map((e) => [
        e.name,
        e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace' ? NAMESPACE : e.value,
      ]),
    );
    expect(managerSettings(env)).toEqual({
      namespace: NAMESPACE,
      downloaderImage: `ghcr.io/spinkube/shim-downloader:${version}`,
      installerImage: `ghcr.io/spinkube/node-installer:${version}`,
      jobTtlSeconds: 86400,
    });
  });

  it('grants the service account what the manager does, Jobs and pods only in its namespace', () => {
    const account = deployment.spec?.template.spec?.serviceAccountName;
    const bound = (kind: string) =>
      manifests.filter(
        (m) =>
          m.kind === kind &&
          (m['subjects'] as { name: string; namespace: string }[]).some(
            (s) => s.name === account && s.namespace === NAMESPACE,
          ),
      );
    const clusterRules = bound('ClusterRoleBinding').flatMap(
      (binding) =>
        (find('ClusterRole', (binding['roleRef'] as { name: string }).name) as unknown as V1ClusterRole)
          .rules ?? [],
    );
    const namespaceRules = bound('RoleBinding').flatMap(
      (binding) =>
        (find('Role', (binding['roleRef'] as { name: string }).name) as unknown as V1Role).rules ?? [],
    );
    const cluster: [string, string, string[]][] = [
      ['runtime.spinkube.dev', 'shims', ['get', 'list', 'watch', 'patch']],
      ['runtime.spinkube.dev', 'shims/status', ['patch']],
      ['runtime.spinkube.dev', 'shims/finalizers', ['update']],
      ['', 'nodes', ['get', 'list', 'watch', 'patch']],
      ['node.k8s.io', 'runtimeclasses', ['get', 'list', 'watch', 'patch', 'delete']],
      ['', 'events', ['create', 'patch']],
    ];
    const namespaced: [string, string, string[]][] = [
      ['batch', 'jobs', ['get', 'list', 'watch', 'patch', 'delete']],
      ['', 'pods', ['list']],
      ['coordination.k8s.io', 'leases', ['get', 'create', 'update']],
    ];
    for (const [group, resource, verbs] of cluster)
      for (const verb of verbs)
        expect(allows(clusterRules, group, resource, verb), `${resource} ${verb}`).toBe(true);
    for (const [group, resource, verbs] of namespaced)
      for (const verb of verbs)
        expect(allows(namespaceRules, group, resource, verb), `${resource} ${verb}`).toBe(true);
    expect(allows(clusterRules, 'batch', 'jobs', 'create')).toBe(false);
    expect(allows(clusterRules, '', 'pods', 'list')).toBe(false);
  });
});
