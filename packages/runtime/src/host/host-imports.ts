/**
 * The import object a component instance gets. jco's glue looks interfaces up without their version
 * (`wasi:http/types`), so one object serves every 0.2.x version a component was built against. Resource
 * classes are shared by all instances (the glue checks `instanceof` against them); per-component values
 * (environment, log prefix) are bound once per component, and per-request state lives in the objects a
 * request creates.
 */
import { keyValueImports, type ComponentKeyValue } from './spin-key-value.js';
import { sqliteImports, type ComponentSqlite } from './spin-sqlite.js';
import { variablesImports, type ComponentVariables } from './spin-variables.js';
import { cliImports, type CliContext } from './wasi-cli.js';
import { monotonicClock, wallClock } from './wasi-clocks.js';
import { filesystemImports, type MountedFile } from './wasi-filesystem.js';
// Every value wasi-http.ts exports is a wasi:http/types resource class, as are the request-side classes
// of wasi-outgoing-http.ts.
import * as incomingHttpResources from './wasi-http.js';
import { InputStream, IoError, OutputStream } from './wasi-io.js';
import * as outgoingHttp from './wasi-outgoing-http.js';
import type { OutboundContext } from './wasi-outgoing-http.js';
import { Pollable, poll } from './wasi-poll.js';
import { insecure, insecureSeed, random } from './wasi-random.js';

/** Interfaces this host implements; a component importing anything else is refused at start. */
export const PROVIDED_INTERFACES: readonly string[] = [
  'wasi:http/types',
  'wasi:http/outgoing-handler',
  'wasi:io/streams',
  'wasi:io/error',
  'wasi:io/poll',
  'wasi:clocks/wall-clock',
  'wasi:clocks/monotonic-clock',
  'wasi:random/random',
  'wasi:random/insecure',
  'wasi:random/insecure-seed',
  'wasi:filesystem/types',
  'wasi:filesystem/preopens',
  'wasi:cli/environment',
  'wasi:cli/exit',
  'wasi:cli/stdin',
  'wasi:cli/stdout',
  'wasi:cli/stderr',
  'wasi:cli/terminal-input',
  'wasi:cli/terminal-output',
  'wasi:cli/terminal-stdin',
  'wasi:cli/terminal-stdout',
  'wasi:cli/terminal-stderr',
  'fermyon:spin/key-value@2.0.0',
  'spin:key-value/key-value',
  'wasi:keyvalue/store@0.2.0-draft2',
  'wasi:keyvalue/atomics@0.2.0-draft2',
  'wasi:keyvalue/batch@0.2.0-draft2',
  'fermyon:spin/sqlite@2.0.0',
  'spin:sqlite/sqlite',
  'fermyon:spin/variables@2.0.0',
  'spin:variables/variables',
  'wasi:config/store',
];

const { outgoingHandlerImports, ...outgoingHttpResources } = outgoingHttp;

const shared = {
  'wasi:http/types': {
    ...incomingHttpResources,
    ...outgoingHttpResources,
    // Maps an I/O error to an HTTP error code; the host's stream errors carry none.
    httpErrorCode: (): undefined => undefined,
  },
  'wasi:io/streams': { InputStream, OutputStream },
  'wasi:io/error': { Error: IoError },
  'wasi:io/poll': { Pollable, poll },
  'wasi:clocks/wall-clock': wallClock,
  'wasi:clocks/monotonic-clock': monotonicClock,
  'wasi:random/random': random,
  'wasi:random/insecure': insecure,
  'wasi:random/insecure-seed': insecureSeed,
};

export interface ComponentHostContext extends CliContext {
  readonly variables: ComponentVariables;
  readonly keyValue: ComponentKeyValue;
  readonly sqlite: ComponentSqlite;
  /** The component's `files`, mounted read-only at `/`. */
  readonly files: readonly MountedFile[];
  readonly outbound: Omit<OutboundContext, 'componentId' | 'stderr'>;
}

/** The import object for one component; build it once per component and reuse it for every instance. */
export function createHostImports(context: ComponentHostContext): object {
  return {
    ...shared,
    ...cliImports(context),
    ...filesystemImports(context.files),
    ...outgoingHandlerImports({
      ...context.outbound,
      componentId: context.componentId,
      stderr: context.stderr,
    }),
    ...variablesImports(context.variables),
    ...keyValueImports(context.keyValue),
    ...sqliteImports(context.sqlite),
  };
}
