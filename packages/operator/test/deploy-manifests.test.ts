/**
 * deploy/ is plain YAML kept by hand; these checks keep it consistent with the code it deploys: the webhook
 * configurations are what the operator's own definitions build, the names the operator uses by default
 * (Service, configurations, certificate Secret) are the ones the manifests create and grant, the Deployment's
 * flags parse and match its probes, ports and Services, and RBAC is bound to the Deployment's account.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1Deployment,
  V1MutatingWebhookConfiguration,
  V1PolicyRule,
  V1Role,
  V1RoleBinding,
  V1Service,
  V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import {
  DEFAULT_WEBHOOK_PORT,
  mutatingWebhookConfiguration,
  validatingWebhookConfiguration,
} from '@spinkube/controller';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { operatorProgram, type CliOptions } from '../src/cli/program.js';
import { DEFAULT_WEBHOOK_NAMES, WEBHOOK_DEFINITIONS } from '../src/operator/webhooks.js';

const deployDir = join(import.meta.dirname, '..', 'deploy');
const NAMESPACE = 'spin-operator';
const SERVICE_ACCOUNT = 'spin-operator-controller-manager';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const files = readdirSync(deployDir)
  .filter((file) => file.endsWith('.yaml'))
  .sort();
const manifests: Manifest[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(deployDir, file), 'utf8')).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.join('; ')}`);
    return document.toJS() as Manifest;
  }),
);

/** The object of deploy/ with that kind and name, typed by the caller (`as unknown as V1Deployment`). */
function find(kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`deploy/ has no ${kind} ${name}`);
  return found;
}

const deployment = find('Deployment', 'spin-operator-controller-manager') as unknown as V1Deployment;
const podSpec = deployment.spec?.template.spec;
const manager = podSpec?.containers.find((c) => c.name === 'manager');
const flags = (): CliOptions =>
  operatorProgram('test')
    .exitOverride()
    .parse(manager?.args ?? [], { from: 'user' })
    .opts<CliOptions>();
const portOf = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));
const containerPort = (name: string) => manager?.ports?.find((p) => p.name === name)?.containerPort;

describe('deploy/ manifests', () => {
  it('hold the objects of an in-cluster install, namespaced ones in spin-operator, in apply order', () => {
    expect(files).toEqual(['00-namespace.yaml', '10-rbac.yaml', '20-manager.yaml', '30-webhooks.yaml']);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'Namespace/spin-operator',
      'ServiceAccount/spin-operator-controller-manager',
      'ClusterRole/spin-operator-manager-role',
      'ClusterRoleBinding/spin-operator-manager-rolebinding',
      'Role/spin-operator-leader-election-role',
      'RoleBinding/spin-operator-leader-election-rolebinding',
      'Role/spin-operator-webhook-cert-role',
      'RoleBinding/spin-operator-webhook-cert-rolebinding',
      'ClusterRole/spin-operator-webhook-configuration-role',
      'ClusterRoleBinding/spin-operator-webhook-configuration-rolebinding',
      'Deployment/spin-operator-controller-manager',
      'Service/spin-operator-webhook-service',
      'Service/spin-operator-metrics-service',
      'MutatingWebhookConfiguration/spin-operator-mutating-webhook-configuration',
      'ValidatingWebhookConfiguration/spin-operator-validating-webhook-configuration',
    ]);
    const clusterScoped = (kind: string) =>
      ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(kind) ||
      kind.endsWith('WebhookConfiguration');
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name} ${m.metadata.namespace ?? '-'}`)).toEqual(
      manifests.map((m) => `${m.kind}/${m.metadata.name} ${clusterScoped(m.kind) ? '-' : NAMESPACE}`),
    );
  });

  it('webhook configurations are what WEBHOOK_DEFINITIONS build, through the webhook Service, without caBundle', () => {
    const target = { service: { name: DEFAULT_WEBHOOK_NAMES.serviceName, namespace: NAMESPACE } };
    const mutating = find(
      'MutatingWebhookConfiguration',
      DEFAULT_WEBHOOK_NAMES.mutatingConfiguration,
    ) as unknown as V1MutatingWebhookConfiguration;
    const validating = find(
      'ValidatingWebhookConfiguration',
      DEFAULT_WEBHOOK_NAMES.validatingConfiguration,
    ) as unknown as V1ValidatingWebhookConfiguration;
    expect(mutating).toEqual(
      mutatingWebhookConfiguration(
        DEFAULT_WEBHOOK_NAMES.mutatingConfiguration,
        WEBHOOK_DEFINITIONS.mutating,
        target,
        {
          labels: mutating.metadata?.labels ?? {},
        },
      ),
    );
    expect(validating).toEqual(
      validatingWebhookConfiguration(
        DEFAULT_WEBHOOK_NAMES.validatingConfiguration,
        WEBHOOK_DEFINITIONS.validating,
        target,
        { labels: validating.metadata?.labels ?? {} },
      ),
    );
    expect([...(mutating.webhooks ?? []), ...(validating.webhooks ?? [])].map((w) => w.name)).toEqual([
      'mspinapp.kb.io',
      'mspinappexecutor.kb.io',
      'vspinapp.kb.io',
      'vspinappexecutor.kb.io',
    ]);
  });

  it('the Deployment runs with upstream chart flags that parse, and its probes and ports match them', () => {
    const parsed = flags();
    expect(parsed).toMatchObject({
      leaderElect: true,
      enableWebhooks: true,
      healthProbeBindAddress: ':8082',
      metricsBindAddress: ':8080',
      metricsSecure: false,
      webhookPort: DEFAULT_WEBHOOK_PORT,
      // The defaults the manifests' names are chosen for.
      webhookServiceName: DEFAULT_WEBHOOK_NAMES.serviceName,
      webhookCertSecret: 'spin-operator-webhook-server-cert',
      mutatingWebhookConfiguration: DEFAULT_WEBHOOK_NAMES.mutatingConfiguration,
      validatingWebhookConfiguration: DEFAULT_WEBHOOK_NAMES.validatingConfiguration,
    });
    expect(parsed.webhookUrl).toBeUndefined();
    expect(manager?.livenessProbe?.httpGet).toEqual({
      path: '/healthz',
      port: portOf(parsed.healthProbeBindAddress),
    });
    expect(manager?.readinessProbe?.httpGet).toEqual({
      path: '/readyz',
      port: portOf(parsed.healthProbeBindAddress),
    });
    expect(containerPort('health')).toBe(portOf(parsed.healthProbeBindAddress));
    expect(containerPort('metrics')).toBe(portOf(parsed.metricsBindAddress));
    expect(containerPort('webhook-server')).toBe(parsed.webhookPort);
    expect(manager?.env).toEqual([
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
  });

  it('the Deployment runs as non-root under the manifests service account, with the package version as tag', () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(manager?.image).toBe(`ghcr.io/spinkube/spin-operator:${version}`);
    expect(podSpec?.serviceAccountName).toBe(SERVICE_ACCOUNT);
    expect(podSpec?.securityContext?.runAsNonRoot).toBe(true);
    expect(manager?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('Services select the Deployment pods: webhooks 443 → 9443, metrics → the metrics port', () => {
    const podLabels = deployment.spec?.template.metadata?.labels ?? {};
    const webhook = find('Service', DEFAULT_WEBHOOK_NAMES.serviceName) as unknown as V1Service;
    const metrics = find('Service', 'spin-operator-metrics-service') as unknown as V1Service;
    for (const service of [webhook, metrics]) {
      expect(Object.entries(service.spec?.selector ?? {}).every(([k, v]) => podLabels[k] === v)).toBe(true);
      expect(Object.keys(service.spec?.selector ?? {})).not.toHaveLength(0);
    }
    expect(webhook.spec?.ports).toEqual([{ port: 443, protocol: 'TCP', targetPort: DEFAULT_WEBHOOK_PORT }]);
    expect(metrics.spec?.ports?.[0]?.targetPort).toBe(portOf(flags().metricsBindAddress));
    expect(deployment.spec?.selector.matchLabels).toEqual(webhook.spec?.selector);
  });

  it('RBAC: every binding grants a role of deploy/ to the Deployment service account', () => {
    const bindings = manifests.filter(
      (m) => m.kind === 'ClusterRoleBinding' || m.kind === 'RoleBinding',
    ) as unknown as (V1ClusterRoleBinding | V1RoleBinding)[];
    expect(bindings).toHaveLength(4);
    for (const binding of bindings) {
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: SERVICE_ACCOUNT, namespace: NAMESPACE },
      ]);
      const role = binding.roleRef.kind === 'ClusterRole' ? 'ClusterRole' : 'Role';
      expect((find(role, binding.roleRef.name) as unknown as V1ClusterRole | V1Role).metadata?.name).toBe(
        binding.roleRef.name,
      );
    }
    expect((find('Role', 'spin-operator-webhook-cert-role') as unknown as V1Role).rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'patch', 'list', 'watch'] },
    ]);
  });

  it('RBAC: upstream manager-role rules, plus configmaps and pods read, and no spinapps/scale', () => {
    const rules = (find('ClusterRole', 'spin-operator-manager-role') as unknown as V1ClusterRole).rules ?? [];
    const grants = (group: string, resource: string) =>
      rules
        .filter((r) => r.apiGroups?.includes(group) && r.resources?.includes(resource))
        .flatMap((r) => r.verbs)
        .sort();
    const all = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
    // Reference §7.4, upstream's manager-role.
    expect(grants('', 'events')).toEqual(['create', 'patch']);
    expect(grants('', 'secrets')).toEqual(all);
    expect(grants('', 'services')).toEqual(all);
    expect(grants('apps', 'deployments')).toEqual(all);
    expect(grants('apps', 'deployments/status')).toEqual(['get']);
    expect(grants('core.spinkube.dev', 'spinapps')).toEqual(all);
    expect(grants('core.spinkube.dev', 'spinappexecutors')).toEqual(all);
    expect(grants('core.spinkube.dev', 'spinappexecutors/finalizers')).toEqual(['update']);
    expect(grants('core.spinkube.dev', 'spinapps/status')).toEqual(['get', 'patch', 'update']);
    expect(grants('core.spinkube.dev', 'spinappexecutors/status')).toEqual(['get', 'patch', 'update']);
    // Ours.
    expect(grants('', 'configmaps')).toEqual(['get', 'list', 'watch']);
    expect(grants('', 'pods')).toEqual(['get', 'list', 'watch']);
    expect(grants('core.spinkube.dev', 'spinapps/scale')).toEqual([]);
    expect(rules.every((r: V1PolicyRule) => !r.verbs.includes('*') && !r.resources?.includes('*'))).toBe(
      true,
    );
  });

  it('RBAC: CA injection may write only the two webhook configurations the operator injects into', () => {
    const rules =
      (find('ClusterRole', 'spin-operator-webhook-configuration-role') as unknown as V1ClusterRole).rules ??
      [];
    const writes = rules.filter((r) => r.verbs.some((v) => !['get', 'list', 'watch'].includes(v)));
    expect(writes.flatMap((r) => r.resourceNames ?? []).sort()).toEqual(
      [DEFAULT_WEBHOOK_NAMES.mutatingConfiguration, DEFAULT_WEBHOOK_NAMES.validatingConfiguration].sort(),
    );
    expect(writes.every((r) => (r.resourceNames ?? []).length > 0)).toBe(true);
    expect(writes.flatMap((r) => r.verbs)).not.toContain('create');
  });
});
