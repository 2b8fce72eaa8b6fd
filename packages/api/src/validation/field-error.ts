/**
 * Field errors and the `Invalid` status built from them, in the exact shape and wording of Kubernetes'
 * apimachinery (`field.Error`, `apierrors.NewInvalid`), which upstream spin-operator's webhooks return.
 */
import { formatBadValue } from './go-format.js';

/** The one error type upstream's rules use: `field.Invalid`. */
export class FieldError {
  readonly type = 'FieldValueInvalid';
  constructor(
    /** A field path as apimachinery prints it: `spec.replicas`, `spec.invocationLimits[memory]`. */
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** `Invalid value: 0: replicas must be > 0` */
  body(): string {
    return `Invalid value: ${formatBadValue(this.badValue)}: ${this.detail}`;
  }

  /** `spec.replicas: Invalid value: 0: replicas must be > 0` */
  toString(): string {
    return `${this.field}: ${this.body()}`;
  }
}

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** `metav1.Status` of a rejected object, as an admission webhook returns it. */
export interface InvalidStatus {
  apiVersion: 'v1';
  kind: 'Status';
  status: 'Failure';
  reason: 'Invalid';
  code: 422;
  message: string;
  details: {
    name: string;
    group: string;
    kind: string;
    causes: { reason: 'FieldValueInvalid'; message: string; field: string }[];
  };
}

/**
 * `SpinApp.core.spinkube.dev "app" is invalid: spec.replicas: …`; with several errors the list is
 * bracketed and comma-separated, and repeated messages are printed once (apimachinery's aggregate).
 */
export function invalidMessage(groupKind: GroupKind, name: string, errors: readonly FieldError[]): string {
  const qualified = `${groupKind.kind}.${groupKind.group} "${name}" is invalid`;
  if (errors.length === 0) return qualified;
  const unique = [...new Set(errors.map(String))];
  const aggregated = unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
  return `${qualified}: ${aggregated}`;
}

export function invalidStatus(
  groupKind: GroupKind,
  name: string,
  errors: readonly FieldError[],
): InvalidStatus {
  return {
    apiVersion: 'v1',
    kind: 'Status',
    status: 'Failure',
    reason: 'Invalid',
    code: 422,
    message: invalidMessage(groupKind, name, errors),
    details: {
      name,
      group: groupKind.group,
      kind: groupKind.kind,
      causes: errors.map((error) => ({ reason: error.type, message: error.body(), field: error.field })),
    },
  };
}
