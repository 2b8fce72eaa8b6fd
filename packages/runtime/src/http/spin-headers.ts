/** The `spin-*` request headers Spin adds before a component sees a request. */
import type { RouteMatch } from './router.js';

export interface RequestContext {
  /** `http://host:port/path?query` as the client addressed it. */
  readonly fullUrl: string;
  /** The application base path, `/` by default. */
  readonly basePath: string;
  /** `ip:port` of the client. */
  readonly clientAddr: string;
}

export const SpinHeaders = {
  fullUrl: 'spin-full-url',
  pathInfo: 'spin-path-info',
  matchedRoute: 'spin-matched-route',
  basePath: 'spin-base-path',
  rawComponentRoute: 'spin-raw-component-route',
  componentRoute: 'spin-component-route',
  clientAddr: 'spin-client-addr',
  pathMatchPrefix: 'spin-path-match-',
} as const;

export function spinRequestHeaders(match: RouteMatch, context: RequestContext): [string, string][] {
  return [
    [SpinHeaders.fullUrl, context.fullUrl],
    [SpinHeaders.pathInfo, match.pathInfo],
    [SpinHeaders.matchedRoute, match.basedRoute],
    [SpinHeaders.basePath, context.basePath],
    [SpinHeaders.rawComponentRoute, match.rawRoute],
    [SpinHeaders.componentRoute, match.rawRouteOrPrefix],
    [SpinHeaders.clientAddr, context.clientAddr],
    ...[...match.params].map(([name, value]): [string, string] => [
      `${SpinHeaders.pathMatchPrefix}${name}`,
      value,
    ]),
  ];
}
