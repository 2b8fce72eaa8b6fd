import { describe, expect, it } from 'vitest';
import { GuestErr } from './guest-err.js';
import {
  Fields,
  OutgoingBody,
  OutgoingResponse,
  ResponseOutparam,
  type ResponseTarget,
} from './wasi-http.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array) => new TextDecoder().decode(value);
const errPayload = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    if (error instanceof GuestErr) return error.payload;
    throw error;
  }
  throw new Error('no err returned to the guest');
};

function recorder() {
  const events: string[] = [];
  const target: ResponseTarget = {
    start: (status, headers) =>
      events.push(`start ${String(status)} ${headers.map(([n, v]) => `${n}=${text(v)}`).join(',')}`),
    write: (chunk) => events.push(`write ${text(chunk)}`),
    end: () => events.push('end'),
    fail: (error) => events.push(`fail ${error.tag}`),
  };
  return { events, target };
}

describe('wasi:http Fields', () => {
  it('stores names in lower case, appends, replaces and deletes', () => {
    const fields = Fields.fromList([['Content-Type', bytes('text/plain')]]);
    fields.append('x-a', bytes('1'));
    fields.append('X-A', bytes('2'));
    expect(fields.get('x-a').map(text)).toEqual(['1', '2']);
    fields.set('x-a', [bytes('3')]);
    expect(fields.entries().map(([n, v]) => `${n}=${text(v)}`)).toEqual(['content-type=text/plain', 'x-a=3']);
    fields.delete('content-type');
    expect(fields.has('content-type')).toBe(false);
  });

  it('returns the WASI errors for bad names, forbidden headers and immutable fields', () => {
    const fields = new Fields();
    expect(errPayload(() => fields.append('bad name', bytes('x')))).toEqual({ tag: 'invalid-syntax' });
    expect(errPayload(() => fields.append('Connection', bytes('close')))).toEqual({ tag: 'forbidden' });
    const response = new OutgoingResponse(fields);
    expect(errPayload(() => response.headers().append('x', bytes('y')))).toEqual({ tag: 'immutable' });
  });

  it('hides hop-by-hop headers from guests', () => {
    const incoming = Fields.immutableFrom([
      ['Host', bytes('example.com')],
      ['Accept', bytes('*/*')],
    ]);
    expect(incoming.entries().map(([n]) => n)).toEqual(['accept']);
  });
});

describe('responses', () => {
  it('forwards status, headers and body chunks written before and after the response is set', () => {
    const { events, target } = recorder();
    const response = new OutgoingResponse(Fields.fromList([['content-type', bytes('text/plain')]]));
    response.setStatusCode(201);
    const body = response.body();
    const stream = body.write();
    stream.blockingWriteAndFlush(bytes('early '));
    ResponseOutparam.set(new ResponseOutparam(target), { tag: 'ok', val: response });
    stream.blockingWriteAndFlush(bytes('late'));
    OutgoingBody.finish(body, undefined);
    expect(events).toEqual(['start 201 content-type=text/plain', 'write early ', 'write late', 'end']);
    expect(errPayload(() => stream.write(bytes('after finish')))).toEqual({ tag: 'closed' });
  });

  it('ends a response whose guest never asked for a body, and refuses a second body', () => {
    const { events, target } = recorder();
    const response = new OutgoingResponse(new Fields());
    ResponseOutparam.set(new ResponseOutparam(target), { tag: 'ok', val: response });
    expect(events).toEqual(['start 200 ', 'end']);
    expect(errPayload(() => response.body())).toBeUndefined();
  });

  it('reports an error response and ignores a second set', () => {
    const { events, target } = recorder();
    const outparam = new ResponseOutparam(target);
    ResponseOutparam.set(outparam, { tag: 'err', val: { tag: 'internal-error' } });
    ResponseOutparam.set(outparam, { tag: 'ok', val: new OutgoingResponse(new Fields()) });
    expect(events).toEqual(['fail internal-error']);
    expect(outparam.responded).toBe(true);
  });

  it('refuses status codes outside 100-999', () => {
    expect(errPayload(() => new OutgoingResponse(new Fields()).setStatusCode(42))).toBeUndefined();
  });
});
