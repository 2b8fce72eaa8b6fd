/**
 * The operator's admission webhooks as a runnable of every replica: the HTTPS server on `:9443`, its
 * certificate, and — when the operator runs outside the cluster and is reached by URL — the webhook
 * configurations themselves.
 *
 * Certificates: if the cert dir holds `tls.crt`/`tls.key` (cert-manager's Secret mounted as upstream's
 * chart does) they are served and reloaded on change; otherwise the operator keeps its own CA and serving
 * certificate in a Secret and injects the CA into its webhook configurations, so no cert-manager is needed.
 */
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubeConfig } from '@kubernetes/client-node';
import { FieldManagers } from '@spinkube/api';
import {
  CertificateDirectory,
  mutatingWebhookConfiguration,
  validatingWebhookConfiguration,
  WebhookCertificates,
  WebhookServer,
  type AdmissionHandler,
  type Logger,
  type Runnable,
  type WebhookDefinition,
  type WebhookTarget,
} from '@spinkube/controller';
import { WebhookNames, WebhookPaths } from '../webhooks/handlers.js';

export interface WebhookSettings {
  readonly port: number;
  readonly host?: string;
  /** cert-manager's mounted certificate, if present (upstream's `/tmp/k8s-webhook-server/serving-certs`). */
  readonly certDir: string;
  /** Namespace of the operator: its certificate Secret and its webhook Service live there. */
  readonly namespace: string;
  /** The Secret holding the self-managed CA and serving certificate. */
  readonly certSecret: string;
  /** The Service the API server reaches the webhooks through, when in the cluster. */
  readonly serviceName: string;
  /** Base URL the API server reaches the webhooks at, when the operator runs outside the cluster. */
  readonly url?: string;
  readonly mutatingConfiguration: string;
  readonly validatingConfiguration: string;
  /** An operator watching one namespace hooks requests of that namespace only (URL mode). */
  readonly onlyNamespace?: string;
}

export const DEFAULT_WEBHOOK_NAMES = {
  certSecret: 'spin-operator-webhook-server-cert',
  serviceName: 'spin-operator-webhook-service',
  mutatingConfiguration: 'spin-operator-mutating-webhook-configuration',
  validatingConfiguration: 'spin-operator-validating-webhook-configuration',
} as const;

const rules = (resource: string) => [
  {
    apiGroups: ['core.spinkube.dev'],
    apiVersions: ['v1alpha1'],
    operations: ['CREATE', 'UPDATE'],
    resources: [resource],
  },
];

/** Upstream's four webhooks (reference §3). */
export const WEBHOOK_DEFINITIONS: {
  readonly mutating: readonly WebhookDefinition[];
  readonly validating: readonly WebhookDefinition[];
} = {
  mutating: [
    { name: WebhookNames.mutateSpinApp, path: WebhookPaths.mutateSpinApp, rules: rules('spinapps') },
    {
      name: WebhookNames.mutateSpinAppExecutor,
      path: WebhookPaths.mutateSpinAppExecutor,
      rules: rules('spinappexecutors'),
    },
  ],
  validating: [
    { name: WebhookNames.validateSpinApp, path: WebhookPaths.validateSpinApp, rules: rules('spinapps') },
    {
      name: WebhookNames.validateSpinAppExecutor,
      path: WebhookPaths.validateSpinAppExecutor,
      rules: rules('spinappexecutors'),
    },
  ],
};

export function webhookRunnable(options: {
  readonly kubeConfig: KubeConfig;
  readonly settings: WebhookSettings;
  readonly handlers: Readonly<Record<string, AdmissionHandler>>;
  readonly logger: Logger;
}): Runnable & { readonly server: () => WebhookServer | undefined } {
  const { kubeConfig, settings, handlers } = options;
  const log = options.logger.child({ logger: 'webhook' });
  const onError = (error: unknown) => {
    log.error({ error: error instanceof Error ? error.message : String(error) }, 'webhook problem');
  };
  let server: WebhookServer | undefined;
  let stopCertificates: (() => Promise<void> | void) | undefined;

  return {
    name: 'webhooks',
    needLeaderElection: false,
    server: () => server,
    start: async () => {
      const mounted = existsSync(join(settings.certDir, 'tls.crt'));
      let certificates: CertificateDirectory | WebhookCertificates;
      if (mounted) {
        const directory = new CertificateDirectory({ dir: settings.certDir, onError });
        await directory.start();
        certificates = directory;
        stopCertificates = () => {
          directory.stop();
        };
        log.info({ dir: settings.certDir }, 'Serving the mounted webhook certificate');
      } else {
        // Outside the cluster the operator owns the configurations: they exist before the CA is injected.
        if (settings.url) await applyConfigurations(kubeConfig, settings);
        const host = settings.url ? new URL(settings.url).hostname.replace(/^\[|\]$/g, '') : undefined;
        const managed = new WebhookCertificates({
          kubeConfig,
          secretNamespace: settings.namespace,
          secretName: settings.certSecret,
          service: { name: settings.serviceName },
          ...(host && isIP(host) ? { ipAddresses: [host] } : {}),
          ...(host && !isIP(host) ? { dnsNames: [host] } : {}),
          mutatingWebhookConfigurations: [settings.mutatingConfiguration],
          validatingWebhookConfigurations: [settings.validatingConfiguration],
          onError,
          onIssued: (action, reason, secret) => {
            log.info({ action, reason, secret }, 'Issued webhook certificate');
          },
        });
        await managed.start();
        certificates = managed;
        stopCertificates = () => managed.stop();
      }
      server = new WebhookServer({
        handlers,
        certificates,
        port: settings.port,
        ...(settings.host ? { host: settings.host } : {}),
        onError,
      });
      const address = await server.start();
      log.info({ port: address.port }, 'Serving webhook server');
    },
    stop: async () => {
      await server?.stop();
      await stopCertificates?.();
    },
  };
}

/**
 * Creates or updates the configurations pointing at `url` (server-side apply, `spin-operator`). The caBundle
 * is left to the certificate manager's injection, whose patches this apply never reverts.
 */
async function applyConfigurations(kubeConfig: KubeConfig, settings: WebhookSettings): Promise<void> {
  const target: WebhookTarget = { url: settings.url ?? '' };
  // An operator watching one namespace must not intercept (and, with failurePolicy Fail, block) the rest.
  const only = settings.onlyNamespace;
  const scoped = (definitions: readonly WebhookDefinition[]) =>
    only
      ? definitions.map((definition) => ({
          ...definition,
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': only } },
        }))
      : definitions;
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const configuration of [
    mutatingWebhookConfiguration(
      settings.mutatingConfiguration,
      scoped(WEBHOOK_DEFINITIONS.mutating),
      target,
    ),
    validatingWebhookConfiguration(
      settings.validatingConfiguration,
      scoped(WEBHOOK_DEFINITIONS.validating),
      target,
    ),
  ]) {
    await objects.patch(
      configuration,
      undefined,
      undefined,
      FieldManagers.operator,
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}
