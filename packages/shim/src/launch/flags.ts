/**
 * containerd runs a shim with Go `flag` style arguments: `-namespace k8s.io -address /run/… -id X start`.
 * Go accepts `-name value`, `-name=value`, `--name value` and bare booleans; the first argument that is
 * not a flag starts the positional arguments (the action). commander parses GNU-style options only, so
 * this small parser exists instead.
 */

export interface ShimFlags {
  readonly namespace?: string;
  readonly address?: string;
  readonly publishBinary?: string;
  readonly id?: string;
  readonly bundle?: string;
  readonly socket?: string;
  readonly debug: boolean;
  readonly version: boolean;
  /** `-info`: print the RuntimeInfo protobuf (containerd 2.x). */
  readonly info: boolean;
  readonly help: boolean;
  /** `start`, `delete`, or none (the server itself). */
  readonly action?: string;
  /** Arguments after the action (helper modes use them). */
  readonly rest: readonly string[];
}

const STRING_FLAGS: Readonly<Record<string, keyof ShimFlags>> = {
  namespace: 'namespace',
  address: 'address',
  'publish-binary': 'publishBinary',
  id: 'id',
  bundle: 'bundle',
  socket: 'socket',
};
const BOOLEAN_FLAGS: Readonly<Record<string, keyof ShimFlags>> = {
  debug: 'debug',
  v: 'version',
  version: 'version',
  info: 'info',
  h: 'help',
  help: 'help',
};

export class FlagError extends Error {}

export function parseShimFlags(argv: readonly string[]): ShimFlags {
  const values: Record<string, string | boolean> = {};
  let index = 0;
  while (index < argv.length) {
    const arg = argv[index] ?? '';
    if (arg === '--') {
      index++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const inline = eq === -1 ? undefined : body.slice(eq + 1);
    index++;
    const stringKey = STRING_FLAGS[name];
    const booleanKey = BOOLEAN_FLAGS[name];
    if (stringKey) {
      const value = inline ?? argv[index++];
      if (value === undefined) throw new FlagError(`flag needs an argument: -${name}`);
      values[stringKey] = value;
    } else if (booleanKey) {
      values[booleanKey] = inline === undefined ? true : parseBoolean(name, inline);
    } else {
      throw new FlagError(`flag provided but not defined: -${name}`);
    }
  }
  const positional = argv.slice(index);
  const str = (key: keyof ShimFlags) => (typeof values[key] === 'string' ? values[key] : undefined);
  const flags: ShimFlags = {
    debug: values['debug'] === true,
    version: values['version'] === true,
    info: values['info'] === true,
    help: values['help'] === true,
    rest: positional.slice(1),
  };
  const optional = {
    namespace: str('namespace'),
    address: str('address'),
    publishBinary: str('publishBinary'),
    id: str('id'),
    bundle: str('bundle'),
    socket: str('socket'),
    action: positional[0],
  };
  return Object.assign(
    flags,
    Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  );
}

function parseBoolean(name: string, text: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  throw new FlagError(`invalid boolean value "${text}" for -${name}`);
}
