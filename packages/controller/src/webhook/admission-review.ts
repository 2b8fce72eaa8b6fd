/**
 * The parts of `admission.k8s.io/v1` AdmissionReview a webhook server reads and writes, typed loosely enough
 * that any controller's handlers plug in (spin-operator's narrow their own copies of these shapes), and the
 * pure steps around a handler: reading a review from a request body, and shaping what goes back.
 */

export const ADMISSION_API_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const;

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

export interface AdmissionRequest {
  /** Echoed in the response: the apiserver matches the answer to the call by it. */
  readonly uid: string;
  readonly operation: AdmissionOperation;
  readonly kind?: GroupVersionKind;
  readonly resource?: GroupVersionResource;
  readonly subResource?: string;
  readonly requestKind?: GroupVersionKind;
  readonly requestResource?: GroupVersionResource;
  readonly requestSubResource?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly userInfo?: {
    readonly username?: string;
    readonly uid?: string;
    readonly groups?: readonly string[];
    readonly extra?: Readonly<Record<string, readonly string[]>>;
  };
  readonly object?: unknown;
  readonly oldObject?: unknown;
  readonly dryRun?: boolean;
  readonly options?: unknown;
}

/** A meta/v1 Status, as far as an admission response carries one. */
export interface AdmissionStatus {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly status?: string;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
  readonly details?: unknown;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: AdmissionStatus;
  readonly patchType?: 'JSONPatch';
  /** base64 of a JSON Patch (RFC 6902). */
  readonly patch?: string;
  readonly auditAnnotations?: Readonly<Record<string, string>>;
  readonly warnings?: readonly string[];
}

export interface AdmissionReview {
  readonly apiVersion: string;
  readonly kind: string;
  readonly request?: AdmissionRequest;
  readonly response?: AdmissionResponse;
}

/** Answers one admission request; a rejection is reported in the review, never by throwing. */
export type AdmissionHandler = (request: AdmissionRequest) => Promise<AdmissionReview>;

/** Why a request body is not an AdmissionReview the server can answer. */
export class MalformedAdmissionReview extends Error {
  override readonly name = 'MalformedAdmissionReview';
}

export interface ParsedAdmissionReview {
  /** The version the review came in; the answer must carry the same one. */
  readonly apiVersion: string;
  readonly request: AdmissionRequest;
}

/** Reads an AdmissionReview carrying a request from a JSON body, or throws `MalformedAdmissionReview`. */
export function parseAdmissionReview(body: string): ParsedAdmissionReview {
  let review: unknown;
  try {
    review = JSON.parse(body);
  } catch (error) {
    throw new MalformedAdmissionReview(
      `request body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!isRecord(review)) throw new MalformedAdmissionReview('request body is not a JSON object');
  const { apiVersion, kind, request } = review;
  if (kind !== 'AdmissionReview') {
    throw new MalformedAdmissionReview(`kind is ${JSON.stringify(kind)}, expected "AdmissionReview"`);
  }
  if (typeof apiVersion !== 'string' || !(ADMISSION_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw new MalformedAdmissionReview(
      `apiVersion is ${JSON.stringify(apiVersion)}, expected one of ${ADMISSION_API_VERSIONS.join(', ')}`,
    );
  }
  if (!isRecord(request)) throw new MalformedAdmissionReview('the review carries no request');
  if (typeof request.uid !== 'string' || request.uid === '') {
    throw new MalformedAdmissionReview('request.uid is missing');
  }
  if (!['CREATE', 'UPDATE', 'DELETE', 'CONNECT'].includes(request.operation as string)) {
    throw new MalformedAdmissionReview(
      `request.operation is ${JSON.stringify(request.operation)}, expected CREATE, UPDATE, DELETE or CONNECT`,
    );
  }
  return { apiVersion, request: request as unknown as AdmissionRequest };
}

/**
 * The review to send back for what a handler returned: the request's apiVersion, kind AdmissionReview, and
 * the request's uid unless the handler set it. A review without a response is the handler's bug, answered
 * as a failed call (500) rather than one the apiserver would reject as malformed.
 */
export function replyTo(
  parsed: ParsedAdmissionReview,
  review: AdmissionReview | undefined,
): AdmissionReview & { response: AdmissionResponse } {
  const response = review?.response;
  if (!isRecord(response) || typeof response.allowed !== 'boolean') {
    return errorReview(parsed, 500, 'the webhook handler returned no response');
  }
  return {
    apiVersion: parsed.apiVersion,
    kind: 'AdmissionReview',
    response: { ...response, uid: response.uid || parsed.request.uid },
  };
}

/** A refusal with an HTTP-like code and a message, e.g. for a handler that threw. */
export function errorReview(
  parsed: Partial<ParsedAdmissionReview>,
  code: number,
  message: string,
): AdmissionReview & { response: AdmissionResponse } {
  return {
    apiVersion: parsed.apiVersion ?? 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: parsed.request?.uid ?? '', allowed: false, status: { code, message } },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A handler's answer to `request`: its uid and the response fields given. */
export function reviewResponse(
  request: Pick<AdmissionRequest, 'uid'>,
  response: Omit<AdmissionResponse, 'uid'>,
): AdmissionReview {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: request.uid, ...response },
  };
}

/** The response fields of a mutation: the JSON Patch (RFC 6902) operations, base64-encoded. */
export function jsonPatch(operations: readonly object[]): Pick<AdmissionResponse, 'patchType' | 'patch'> {
  return { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(operations)).toString('base64') };
}
