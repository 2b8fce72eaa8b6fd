/** The worker's outbound HTTP client: each operation is a blocking call to the main thread, which does the I/O. */
import type { OutboundClient, OutboundRequestData, OutboundResult } from '../host/wasi-outgoing-http.js';
import type { HostCaller } from './sync-call.js';

export const OUTBOUND_CALLS = {
  start: 'http.start',
  wait: 'http.wait',
  take: 'http.take',
} as const;

export function outboundClient(caller: HostCaller, componentId: string): OutboundClient {
  return {
    start: (request: OutboundRequestData) =>
      caller.call(OUTBOUND_CALLS.start, { componentId, request }) as number,
    waitAny: (ids, timeoutMs) => {
      caller.call(OUTBOUND_CALLS.wait, { ids, timeoutMs });
    },
    take: (id) => caller.call(OUTBOUND_CALLS.take, { id }) as OutboundResult | undefined,
  };
}
