/**
 * Pure builders of the admissionregistration.k8s.io/v1 configurations that send requests to a webhook
 * server: one webhook per entry, reached through a Service (in a cluster) or a URL (a controller run
 * elsewhere, a test). Defaults are the ones controller-runtime's generated manifests use: failurePolicy
 * Fail, sideEffects None, admissionReviewVersions [v1]. The caBundle is left out unless given: the
 * certificate manager injects it.
 */
import type {
  V1LabelSelector,
  V1MatchCondition,
  V1MutatingWebhook,
  V1MutatingWebhookConfiguration,
  V1RuleWithOperations,
  V1ValidatingWebhook,
  V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';

export interface WebhookDefinition {
  /** Fully qualified, e.g. `vspinapp.kb.io`. */
  readonly name: string;
  /** The path the server answers on, e.g. `/validate-core-spinkube-dev-v1alpha1-spinapp`. */
  readonly path: string;
  readonly rules: readonly V1RuleWithOperations[];
  /** Default `Fail`. */
  readonly failurePolicy?: 'Fail' | 'Ignore';
  /** Default `None`. */
  readonly sideEffects?: 'None' | 'NoneOnDryRun';
  readonly matchPolicy?: 'Exact' | 'Equivalent';
  readonly namespaceSelector?: V1LabelSelector;
  readonly objectSelector?: V1LabelSelector;
  readonly matchConditions?: readonly V1MatchCondition[];
  /** 1 to 30; the apiserver's default is 10. */
  readonly timeoutSeconds?: number;
  /** Mutating webhooks only. */
  readonly reinvocationPolicy?: 'Never' | 'IfNeeded';
}

/** Where the apiserver sends requests: a Service in the cluster, or a base URL the paths are appended to. */
export type WebhookTarget =
  | { readonly service: { readonly name: string; readonly namespace: string; readonly port?: number } }
  | { readonly url: string };

export interface WebhookConfigurationOptions {
  /** PEM; usually left out for the certificate manager to inject. */
  readonly caBundlePem?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function validatingWebhookConfiguration(
  name: string,
  webhooks: readonly WebhookDefinition[],
  target: WebhookTarget,
  options: WebhookConfigurationOptions = {},
): V1ValidatingWebhookConfiguration {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: metadata(name, options),
    webhooks: webhooks.map((definition): V1ValidatingWebhook => {
      if (definition.reinvocationPolicy !== undefined) {
        throw new RangeError(`webhook ${definition.name}: reinvocationPolicy is for mutating webhooks only`);
      }
      return webhook(definition, target, options);
    }),
  };
}

export function mutatingWebhookConfiguration(
  name: string,
  webhooks: readonly WebhookDefinition[],
  target: WebhookTarget,
  options: WebhookConfigurationOptions = {},
): V1MutatingWebhookConfiguration {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: metadata(name, options),
    webhooks: webhooks.map((definition): V1MutatingWebhook => {
      const built: V1MutatingWebhook = webhook(definition, target, options);
      if (definition.reinvocationPolicy) built.reinvocationPolicy = definition.reinvocationPolicy;
      return built;
    }),
  };
}

function metadata(name: string, options: WebhookConfigurationOptions) {
  return {
    name,
    ...(options.labels ? { labels: { ...options.labels } } : {}),
    ...(options.annotations ? { annotations: { ...options.annotations } } : {}),
  };
}

function webhook(
  definition: WebhookDefinition,
  target: WebhookTarget,
  options: WebhookConfigurationOptions,
): V1ValidatingWebhook {
  if (!definition.path.startsWith('/')) {
    throw new RangeError(`webhook ${definition.name}: path "${definition.path}" must start with "/"`);
  }
  const caBundle = options.caBundlePem ? Buffer.from(options.caBundlePem).toString('base64') : undefined;
  const clientConfig =
    'service' in target
      ? {
          service: {
            name: target.service.name,
            namespace: target.service.namespace,
            path: definition.path,
            ...(target.service.port === undefined ? {} : { port: target.service.port }),
          },
        }
      : { url: `${target.url.replace(/\/+$/, '')}${definition.path}` };
  return {
    name: definition.name,
    admissionReviewVersions: ['v1'],
    clientConfig: { ...clientConfig, ...(caBundle ? { caBundle } : {}) },
    failurePolicy: definition.failurePolicy ?? 'Fail',
    sideEffects: definition.sideEffects ?? 'None',
    ...(definition.matchPolicy ? { matchPolicy: definition.matchPolicy } : {}),
    ...(definition.namespaceSelector ? { namespaceSelector: definition.namespaceSelector } : {}),
    ...(definition.objectSelector ? { objectSelector: definition.objectSelector } : {}),
    ...(definition.matchConditions ? { matchConditions: [...definition.matchConditions] } : {}),
    ...(definition.timeoutSeconds === undefined ? {} : { timeoutSeconds: definition.timeoutSeconds }),
    rules: [...definition.rules],
  };
}
