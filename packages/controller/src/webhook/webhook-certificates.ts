/**
 * Certificates for a webhook server without cert-manager. One Secret holds a CA and a serving certificate
 * it signed (`ca.crt`, `ca.key`, `tls.crt`, `tls.key`); every replica of the controller runs one of these,
 * and on start and then periodically each one:
 * 1. reads the Secret and serves what it holds when that is usable: a CA with its key, and a serving
 *    certificate from a CA in `ca.crt`, for every required name, not within `renewBeforeMs` of expiry;
 * 2. otherwise issues what is missing or due (ECDSA P-256, see `planCertificates`) and writes it on
 *    condition the Secret has not changed since it was read. A replica that loses that race (409) reads
 *    again and takes the winner's certificates;
 * 3. injects the Secret's `ca.crt` as `caBundle` into the named webhook configurations, repairing any that
 *    lost it.
 * Re-reading on every period is also how a replica picks up a renewal another replica wrote. A renewed
 * serving certificate keeps its CA, so the caBundle, and the apiserver's trust, do not change. A CA is
 * replaced a serving lifetime before it expires: the new one is trusted at once and signs only from the
 * next serving renewal, so no apiserver is shown a certificate from a CA it has not been given yet.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { describeError, logErrorToStderr } from '../leader/api-request.js';
import { isConflict } from '../leader/lease-lock.js';
import { CaBundleInjector } from './ca-bundle-injector.js';
import { issueCertificates } from './certificate-issuer.js';
import { planCertificates, type CertificatePlan, type StoredCertificates } from './certificate-plan.js';
import { CertificateSecret } from './certificate-secret.js';
import {
  CertificateListeners,
  sameCertificate,
  type CertificateSource,
  type ServingCertificate,
} from './serving-certificate.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const WEBHOOK_CERTIFICATE_DEFAULTS = {
  servingValidityMs: 365 * DAY_MS,
  caValidityMs: 10 * 365 * DAY_MS,
  renewBeforeMs: 30 * DAY_MS,
  resyncIntervalMs: 60_000,
  clusterDomain: 'cluster.local',
} as const;

export interface WebhookCertificatesOptions {
  readonly kubeConfig: KubeConfig;
  /** Namespace of the Secret (usually the controller's own). */
  readonly secretNamespace: string;
  /** Name of the Secret, e.g. `spin-operator-webhook-server-cert`. */
  readonly secretName: string;
  /**
   * The Service the apiserver reaches the webhooks through: the certificate covers `<name>.<namespace>.svc`
   * and `<name>.<namespace>.svc.<clusterDomain>`. The namespace defaults to the Secret's.
   */
  readonly service?: { readonly name: string; readonly namespace?: string };
  /** Default `cluster.local`. */
  readonly clusterDomain?: string;
  /** More DNS names for the serving certificate. */
  readonly dnsNames?: readonly string[];
  /** IP addresses for the serving certificate, e.g. `127.0.0.1` for a controller run outside the cluster. */
  readonly ipAddresses?: readonly string[];
  /** Lifetime of a serving certificate (default 1 year; never beyond the CA's). */
  readonly servingValidityMs?: number;
  /** Lifetime of a CA (default 10 years). */
  readonly caValidityMs?: number;
  /** A certificate is issued again when it has less than this left (default 30 days). */
  readonly renewBeforeMs?: number;
  /** Time between reads of the Secret and checks of the configurations (default 1 minute). */
  readonly resyncIntervalMs?: number;
  /** MutatingWebhookConfigurations whose webhooks get the CA bundle. */
  readonly mutatingWebhookConfigurations?: readonly string[];
  /** ValidatingWebhookConfigurations whose webhooks get the CA bundle. */
  readonly validatingWebhookConfigurations?: readonly string[];
  /** Time allowed for each API call (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Where failures of the periodic work go (it never throws them); one JSON line on stderr by default. */
  readonly onError?: (error: unknown) => void;
  /**
   * Told of every certificate this replica issues and stores, with the reason (rare: on first start, a
   * renewal, a CA rotation); one JSON line on stderr by default.
   */
  readonly onIssued?: (action: IssueAction, reason: string, secret: string) => void;
}

export type IssueAction = Exclude<CertificatePlan, { action: 'reuse' }>['action'];

const WRITE_ATTEMPTS = 5;
/** A renewal timer fires this much after the renewal time, so the check that follows sees it due. */
const RENEWAL_SLACK_MS = 10;

export class WebhookCertificates implements CertificateSource {
  /** Counters for tests and metrics. */
  readonly stats = { syncs: 0, created: 0, renewed: 0, conflicts: 0, changes: 0, injected: 0, failures: 0 };
  private readonly secret: CertificateSecret;
  private readonly injector: CaBundleInjector;
  private readonly listeners: CertificateListeners;
  private readonly onError: (error: unknown) => void;
  private readonly onIssued: (action: IssueAction, reason: string, secret: string) => void;
  private readonly dnsNames: readonly string[];
  private readonly ipAddresses: readonly string[];
  private readonly servingValidityMs: number;
  private readonly caValidityMs: number;
  private readonly renewBeforeMs: number;
  private readonly resyncIntervalMs: number;
  private serving: ServingCertificate | undefined;
  private bundle: string | undefined;
  private renewAt: number | undefined;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly reportedMissing = new Set<string>();

  constructor(private readonly options: WebhookCertificatesOptions) {
    if (!options.secretName || !options.secretNamespace) {
      throw new RangeError('webhook certificates: the Secret needs a name and a namespace');
    }
    const service = options.service;
    const domain = options.clusterDomain ?? WEBHOOK_CERTIFICATE_DEFAULTS.clusterDomain;
    const serviceNamespace = service?.namespace ?? options.secretNamespace;
    this.dnsNames = unique([
      ...(service
        ? [`${service.name}.${serviceNamespace}.svc`, `${service.name}.${serviceNamespace}.svc.${domain}`]
        : []),
      ...(options.dnsNames ?? []),
    ]);
    this.ipAddresses = unique(options.ipAddresses ?? []);
    if (this.dnsNames.length === 0 && this.ipAddresses.length === 0) {
      throw new RangeError('webhook certificates: give a service, DNS names or IP addresses to certify');
    }
    this.servingValidityMs = options.servingValidityMs ?? WEBHOOK_CERTIFICATE_DEFAULTS.servingValidityMs;
    this.caValidityMs = options.caValidityMs ?? WEBHOOK_CERTIFICATE_DEFAULTS.caValidityMs;
    this.renewBeforeMs = options.renewBeforeMs ?? WEBHOOK_CERTIFICATE_DEFAULTS.renewBeforeMs;
    this.resyncIntervalMs = options.resyncIntervalMs ?? WEBHOOK_CERTIFICATE_DEFAULTS.resyncIntervalMs;
    if (!(this.renewBeforeMs >= 0) || !(this.renewBeforeMs < this.servingValidityMs)) {
      throw new RangeError(
        `webhook certificates: renewBeforeMs (${String(this.renewBeforeMs)}) must be at least 0 and less than servingValidityMs (${String(this.servingValidityMs)})`,
      );
    }
    if (!(this.servingValidityMs + this.renewBeforeMs < this.caValidityMs)) {
      // A CA is replaced once it can no longer sign a full serving certificate plus the margin.
      throw new RangeError(
        `webhook certificates: caValidityMs (${String(this.caValidityMs)}) must exceed servingValidityMs plus renewBeforeMs (${String(this.servingValidityMs + this.renewBeforeMs)})`,
      );
    }
    if (!(this.resyncIntervalMs > 0)) {
      throw new RangeError('webhook certificates: resyncIntervalMs must be positive');
    }
    this.secret = new CertificateSecret(
      options.kubeConfig,
      options.secretNamespace,
      options.secretName,
      options.requestTimeoutMs,
    );
    this.injector = new CaBundleInjector({
      kubeConfig: options.kubeConfig,
      mutatingWebhookConfigurations: options.mutatingWebhookConfigurations ?? [],
      validatingWebhookConfigurations: options.validatingWebhookConfigurations ?? [],
      requestTimeoutMs: options.requestTimeoutMs,
    });
    this.onError = options.onError ?? logErrorToStderr('webhook-certificates');
    this.onIssued = options.onIssued ?? logIssuedToStderr;
    this.listeners = new CertificateListeners(this.onError);
  }

  /**
   * Loads or issues the certificates, injects the CA bundle, and keeps doing so periodically until `stop()`.
   * Rejects if no certificate could be had (the controller should exit; it cannot serve webhooks).
   */
  async start(): Promise<void> {
    if (this.running) return;
    await this.sync({ throwOnError: true });
    this.running = true;
    this.schedule();
  }

  /** Stops the periodic work; waits for a sync in progress. The certificate stays readable. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  /**
   * Reads the Secret, issues what is due, injects the bundle: the periodic work, now. Calls queue behind one
   * in progress. Failures go to `onError`, or reject with `throwOnError`.
   */
  sync(options: { throwOnError?: boolean } = {}): Promise<void> {
    const run = this.chain.then(() => this.syncOnce());
    this.chain = run.catch((error: unknown) => {
      this.stats.failures++;
      if (!options.throwOnError) this.onError(error);
    });
    return options.throwOnError ? run : this.chain;
  }

  current(): ServingCertificate | undefined {
    return this.serving;
  }

  /** The CA bundle (PEM) the webhook configurations get: the current CA, then earlier ones still valid. */
  get caBundle(): string | undefined {
    return this.bundle;
  }

  onChange(listener: (certificate: ServingCertificate) => void): () => void {
    return this.listeners.add(listener);
  }

  /** A readiness check that passes once a certificate is loaded. */
  readonly loadedCheck = (): boolean => {
    if (!this.serving) throw new Error(`no webhook certificate loaded yet from ${this.secret.description}`);
    return true;
  };

  private async syncOnce(): Promise<void> {
    this.stats.syncs++;
    this.renewAt = undefined;
    await this.ensureCertificates();
    await this.inject();
  }

  private async ensureCertificates(): Promise<void> {
    const required = {
      dnsNames: this.dnsNames,
      ipAddresses: this.ipAddresses,
      renewBeforeMs: this.renewBeforeMs,
      servingValidityMs: this.servingValidityMs,
    };
    for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      const version = await this.secret.read();
      const now = new Date();
      const plan = planCertificates(version.stored, required, now);
      if (plan.action === 'reuse') {
        this.renewAt = plan.renewAt.getTime();
        await this.adopt(version.stored as Required<StoredCertificates>);
        return;
      }
      const issued = await issueCertificates(
        plan,
        version.stored,
        {
          ...required,
          caCommonName: `webhook-ca.${this.options.secretName}.${this.options.secretNamespace}`,
          caValidityMs: this.caValidityMs,
        },
        now,
      );
      try {
        await this.secret.write(version, issued);
      } catch (error) {
        if (!isConflict(error)) {
          throw new Error(
            `${this.secret.description}: could not store certificates: ${describeError(error)}`,
            {
              cause: error,
            },
          );
        }
        // Another replica wrote first: read what it wrote, which is likely to be usable as is.
        this.stats.conflicts++;
        continue;
      }
      if (version.resourceVersion === undefined) this.stats.created++;
      else this.stats.renewed++;
      this.onIssued(plan.action, plan.reason, this.secret.description);
      const next = planCertificates(issued, required, now);
      if (next.action === 'reuse') this.renewAt = next.renewAt.getTime();
      await this.adopt(issued);
      return;
    }
    throw new Error(`${this.secret.description}: still conflicting after ${String(WRITE_ATTEMPTS)} attempts`);
  }

  /** Serves `stored` from now on, bundle first: the apiserver must trust a new CA before it is served. */
  private async adopt(stored: Required<StoredCertificates>): Promise<void> {
    const bundleChanged = stored.caBundlePem !== this.bundle;
    this.bundle = stored.caBundlePem;
    if (bundleChanged && this.serving) await this.inject();
    const next = { certPem: stored.servingCertPem, keyPem: stored.servingKeyPem };
    if (sameCertificate(this.serving, next)) return;
    const first = this.serving === undefined;
    this.serving = next;
    if (!first) this.stats.changes++;
    this.listeners.notify(next);
  }

  private async inject(): Promise<void> {
    if (!this.injector.configured || this.bundle === undefined) return;
    try {
      const { patched, missing } = await this.injector.inject(this.bundle);
      this.stats.injected += patched.length;
      for (const name of missing) {
        if (!this.reportedMissing.has(name)) {
          this.reportedMissing.add(name);
          this.onError(new Error(`${name} does not exist; its CA bundle is injected once it does`));
        }
      }
      for (const name of this.reportedMissing) if (!missing.includes(name)) this.reportedMissing.delete(name);
    } catch (error) {
      // The certificates are fine; the configurations are tried again on the next sync.
      this.onError(error);
    }
  }

  private schedule(): void {
    if (!this.running) return;
    // Wake up for a renewal due before the next resync (renewAt is unset after a failed sync).
    const untilRenewal =
      this.renewAt === undefined ? Infinity : Math.max(0, this.renewAt - Date.now()) + RENEWAL_SLACK_MS;
    this.timer = setTimeout(
      () => {
        void this.sync().then(() => {
          this.schedule();
        });
      },
      Math.min(this.resyncIntervalMs, untilRenewal),
    );
    this.timer.unref();
  }
}

function logIssuedToStderr(action: IssueAction, reason: string, secret: string): void {
  const message = `${secret}: ${action} (${reason})`;
  process.stderr.write(
    `${JSON.stringify({ level: 'info', component: 'webhook-certificates', msg: message })}\n`,
  );
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
