/** `host:port` as `spin up --listen` and `SPIN_HTTP_LISTEN_ADDR` take it: `127.0.0.1:3000`, `[::]:80`, `0.0.0.0:80`. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:3000';

export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new Error(`listen address "${text}" must be host:port, e.g. 127.0.0.1:3000 or [::]:80`);
  }
  return { host: match[1] ?? match[2] ?? '', port };
}
