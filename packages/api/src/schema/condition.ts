/**
 * `metav1.Condition`: the standard status condition, with the validation Kubernetes attaches to it in CRDs.
 */
import { Type, type Static } from 'typebox';
import { int64, stringEnum } from './builders.js';

export const ConditionSchema = Type.Object(
  {
    lastTransitionTime: Type.String({
      format: 'date-time',
      description: 'When the condition last changed from one status to another.',
    }),
    message: Type.String({
      maxLength: 32768,
      description: 'Human-readable details about the transition; may be empty.',
    }),
    observedGeneration: Type.Optional(
      int64({ minimum: 0, description: 'The metadata.generation the condition was computed from.' }),
    ),
    reason: Type.String({
      maxLength: 1024,
      minLength: 1,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      description: 'A CamelCase, machine-readable identifier for the last transition.',
    }),
    status: stringEnum(['True', 'False', 'Unknown'], {
      description: 'Status of the condition: True, False or Unknown.',
    }),
    type: Type.String({
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      description: 'Type of the condition, in CamelCase or foo.example.com/CamelCase.',
    }),
  },
  { description: 'One aspect of the current state of this object.' },
);
export type Condition = Static<typeof ConditionSchema>;

/**
 * Sets a condition in `conditions` (a copy), keeping its transition time unless its status changed
 * (apimachinery's `SetStatusCondition`), at whole seconds as the API server stores it.
 */
export function setStatusCondition(
  conditions: readonly Condition[],
  next: Omit<Condition, 'lastTransitionTime'>,
  now: Date,
): Condition[] {
  const existing = conditions.find((c) => c.type === next.type);
  const lastTransitionTime =
    existing && existing.status === next.status
      ? existing.lastTransitionTime
      : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const updated: Condition = { ...next, lastTransitionTime };
  return existing ? conditions.map((c) => (c.type === next.type ? updated : c)) : [...conditions, updated];
}
