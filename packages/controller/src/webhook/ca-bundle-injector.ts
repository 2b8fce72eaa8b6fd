/**
 * Puts a CA bundle into `clientConfig.caBundle` of every webhook of the named Mutating- and
 * ValidatingWebhookConfigurations, which is what cert-manager's cainjector does for upstream. Each call reads
 * the configurations and patches only the webhooks whose bundle differs, so calling it periodically costs a
 * GET per configuration and repairs a configuration re-applied without its bundle (a `helm upgrade`, a
 * `kubectl apply` of the original manifest).
 *
 * The patch is a JSON Patch that first tests each webhook's name at its index, so a configuration reordered
 * between the read and the write is refused (and read again) rather than given bundles in the wrong places.
 */
import {
  AdmissionregistrationV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1MutatingWebhookConfiguration,
  type V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { abortableRequest, describeError, statusCode } from '../leader/api-request.js';

export interface CaBundleInjectorOptions {
  readonly kubeConfig: KubeConfig;
  readonly mutatingWebhookConfigurations?: readonly string[];
  readonly validatingWebhookConfigurations?: readonly string[];
  /** Time allowed for each API call (default 10 s). */
  readonly requestTimeoutMs?: number;
}

type Kind = 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';
type Configuration = V1MutatingWebhookConfiguration | V1ValidatingWebhookConfiguration;

export interface InjectionResult {
  /** Webhooks whose caBundle was written, as `<configuration>/<webhook>`. */
  readonly patched: readonly string[];
  /** Configurations that do not exist (yet), as `<Kind>/<name>`. */
  readonly missing: readonly string[];
}

const ATTEMPTS = 3;

export class CaBundleInjector {
  private readonly api: AdmissionregistrationV1Api;

  constructor(private readonly options: CaBundleInjectorOptions) {
    this.api = options.kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  }

  /** Whether any configuration is named, i.e. whether `inject` has anything to do. */
  get configured(): boolean {
    return (
      (this.options.mutatingWebhookConfigurations ?? []).length > 0 ||
      (this.options.validatingWebhookConfigurations ?? []).length > 0
    );
  }

  /**
   * Makes every webhook of the named configurations carry `caBundlePem`. Tries every configuration, then
   * rejects with the failures, if any; a configuration that does not exist is reported in the result, not
   * as a failure (it may not have been installed yet).
   */
  async inject(caBundlePem: string): Promise<InjectionResult> {
    const caBundle = Buffer.from(caBundlePem).toString('base64');
    const targets: [Kind, string][] = [
      ...(this.options.mutatingWebhookConfigurations ?? []).map((name): [Kind, string] => [
        'MutatingWebhookConfiguration',
        name,
      ]),
      ...(this.options.validatingWebhookConfigurations ?? []).map((name): [Kind, string] => [
        'ValidatingWebhookConfiguration',
        name,
      ]),
    ];
    const outcomes = await Promise.allSettled(
      targets.map(([kind, name]) => this.injectInto(kind, name, caBundle)),
    );
    const patched: string[] = [];
    const missing: string[] = [];
    const failures: string[] = [];
    targets.forEach(([kind, name], index) => {
      const outcome = outcomes[index];
      if (!outcome) return;
      if (outcome.status === 'rejected') failures.push(`${kind}/${name}: ${describeError(outcome.reason)}`);
      else if (outcome.value === undefined) missing.push(`${kind}/${name}`);
      else patched.push(...outcome.value.map((webhook) => `${name}/${webhook}`));
    });
    if (failures.length > 0) throw new Error(`could not inject the CA bundle: ${failures.join('; ')}`);
    return { patched, missing };
  }

  /** The webhooks patched, or undefined when the configuration does not exist. */
  private async injectInto(kind: Kind, name: string, caBundle: string): Promise<string[] | undefined> {
    for (let attempt = 1; ; attempt++) {
      const configuration = await this.read(kind, name);
      if (!configuration) return undefined;
      const webhooks = configuration.webhooks ?? [];
      const operations: object[] = [];
      const patched: string[] = [];
      webhooks.forEach((webhook, index) => {
        if (webhook.clientConfig.caBundle === caBundle) return;
        operations.push(
          { op: 'test', path: `/webhooks/${String(index)}/name`, value: webhook.name },
          { op: 'add', path: `/webhooks/${String(index)}/clientConfig/caBundle`, value: caBundle },
        );
        patched.push(webhook.name);
      });
      if (operations.length === 0) return [];
      try {
        await this.patch(kind, name, operations);
        return patched;
      } catch (error) {
        // 422: a test failed (the webhooks moved); 409: a conflicting write. Read again and retry.
        const code = statusCode(error);
        if (attempt >= ATTEMPTS || (code !== 409 && code !== 422)) throw error;
      }
    }
  }

  private async read(kind: Kind, name: string): Promise<Configuration | undefined> {
    try {
      return kind === 'MutatingWebhookConfiguration'
        ? await this.api.readMutatingWebhookConfiguration({ name }, this.request())
        : await this.api.readValidatingWebhookConfiguration({ name }, this.request());
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
  }

  private async patch(kind: Kind, name: string, body: object[]): Promise<void> {
    const options = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch, this.request());
    if (kind === 'MutatingWebhookConfiguration') {
      await this.api.patchMutatingWebhookConfiguration({ name, body }, options);
    } else {
      await this.api.patchValidatingWebhookConfiguration({ name, body }, options);
    }
  }

  private request() {
    return abortableRequest(AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000));
  }
}
