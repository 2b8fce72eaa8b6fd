/**
 * The import object a component instance gets. jco's glue looks interfaces up without their version
 * (`wasi:http/types`), so one object serves every 0.2.x version a component was built against.
 */
import {
  Fields,
  FutureTrailers,
  IncomingBody,
  IncomingRequest,
  OutgoingBody,
  OutgoingResponse,
  ResponseOutparam,
} from './wasi-http.js';
import { InputStream, IoError, OutputStream } from './wasi-io.js';

/** Interfaces this host implements so far; a component importing anything else is refused at start. */
export const PROVIDED_INTERFACES: readonly string[] = ['wasi:http/types', 'wasi:io/streams', 'wasi:io/error'];

const imports = {
  'wasi:http/types': {
    Fields,
    FutureTrailers,
    IncomingBody,
    IncomingRequest,
    OutgoingBody,
    OutgoingResponse,
    ResponseOutparam,
  },
  'wasi:io/streams': { InputStream, OutputStream },
  'wasi:io/error': { Error: IoError },
};

/** The import object; its classes are shared, all request state lives in the objects a request creates. */
export function hostImports(): object {
  return imports;
}
