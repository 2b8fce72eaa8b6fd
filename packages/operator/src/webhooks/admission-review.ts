/** The parts of `admission.k8s.io/v1` AdmissionReview the operator's webhooks read and write. */
import type { InvalidStatus } from '@spinkube/api';

export interface AdmissionRequest {
  readonly uid: string;
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly namespace?: string;
  readonly name?: string;
  readonly object?: unknown;
  readonly oldObject?: unknown;
}

export interface AdmissionReview {
  readonly apiVersion: 'admission.k8s.io/v1';
  readonly kind: 'AdmissionReview';
  readonly request?: AdmissionRequest;
  readonly response?: AdmissionResponse;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: InvalidStatus | { code: number; message: string; status?: 'Failure'; reason?: string };
  patchType?: 'JSONPatch';
  /** base64 of a JSON Patch (RFC 6902). */
  patch?: string;
}

export function reviewResponse(
  request: AdmissionRequest,
  response: Omit<AdmissionResponse, 'uid'>,
): AdmissionReview {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: request.uid, ...response },
  };
}

export function jsonPatch(operations: readonly object[]): Pick<AdmissionResponse, 'patchType' | 'patch'> {
  return { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(operations)).toString('base64') };
}
