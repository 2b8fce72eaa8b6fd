/**
 * Spin's HTTP routing: which component serves a path. Semantics follow Spin 3:
 * - a route is prefixed with the application base; one trailing slash of each is dropped;
 * - `/...` (or `/*`) at the end is a trailing wildcard matching the prefix itself and everything under it;
 * - `:name` matches one non-empty path segment and is reported as `spin-path-match-<name>`;
 * - private routes are never routable; when two triggers use the same route text, the later one wins;
 * - the most specific route wins: at the first segment where two matching routes differ, an exact segment
 *   beats a parameter, which beats the wildcard; a route that ends exactly beats one that continues with a
 *   wildcard. Equal specificity keeps manifest order.
 * A trailing slash on the request path is ignored for matching, as in Spin.
 */
import { RuntimeError } from '../errors.js';
import type { HttpTrigger } from '../manifest/types.js';

type Segment =
  { readonly kind: 'exact'; readonly text: string } | { readonly kind: 'param'; readonly name: string };

interface CompiledRoute {
  readonly componentId: string;
  /** The route with the base, as written (`/shop/users/...`). */
  readonly basedRoute: string;
  /** The route as written in the manifest (`/users/...`). */
  readonly rawRoute: string;
  readonly segments: readonly Segment[];
  readonly wildcard: boolean;
  readonly order: number;
}

export interface RouteMatch {
  readonly componentId: string;
  readonly basedRoute: string;
  readonly rawRoute: string;
  /** The based route without a trailing `/...`. */
  readonly basedRouteOrPrefix: string;
  /** The raw route without a trailing `/...` (`spin-component-route`). */
  readonly rawRouteOrPrefix: string;
  /** What the trailing wildcard matched (`spin-path-info`), `""` for exact routes. */
  readonly pathInfo: string;
  /** Values of `:name` segments. */
  readonly params: ReadonlyMap<string, string>;
}

export interface DuplicateRoute {
  readonly route: string;
  readonly replacedComponent: string;
  readonly effectiveComponent: string;
}

/** The prefix Spin reserves for its own endpoints (`/.well-known/spin/health`, `/info`). */
export const WELL_KNOWN_PREFIX = '/.well-known/spin/';

const RANK = { wildcard: 1, param: 2, exact: 3, end: 4 } as const;

export class Router {
  private constructor(
    private readonly compiled: readonly CompiledRoute[],
    readonly duplicates: readonly DuplicateRoute[],
  ) {}

  static build(base: string, triggers: readonly Pick<HttpTrigger, 'route' | 'component'>[]): Router {
    const byRawRoute = new Map<string, { componentId: string; rawRoute: string; order: number }>();
    const duplicates: DuplicateRoute[] = [];
    triggers.forEach((trigger, order) => {
      if (trigger.route.kind === 'private') return;
      const rawRoute = trigger.route.path;
      const replaced = byRawRoute.get(rawRoute);
      if (replaced) {
        duplicates.push({
          route: rawRoute,
          replacedComponent: replaced.componentId,
          effectiveComponent: trigger.component,
        });
      }
      byRawRoute.set(rawRoute, { componentId: trigger.component, rawRoute, order: replaced?.order ?? order });
    });
    const compiled = [...byRawRoute.values()]
      .sort((a, b) => a.order - b.order)
      .map(({ componentId, rawRoute, order }) => compile(base, rawRoute, componentId, order));
    return new Router(compiled, duplicates);
  }

  /** The best route for a request path (without query), or undefined for a 404. */
  match(path: string): RouteMatch | undefined {
    const pathSegments = splitPath(path);
    let best: { route: CompiledRoute; rank: number[]; captured: string[] } | undefined;
    for (const route of this.compiled) {
      const captured = matchSegments(route, pathSegments);
      if (!captured) continue;
      const rank = rankOf(route);
      if (!best || compareRanks(rank, best.rank) > 0) best = { route, rank, captured };
    }
    if (!best) return undefined;
    const { route } = best;
    const params = new Map<string, string>();
    route.segments.forEach((segment, index) => {
      if (segment.kind === 'param') params.set(segment.name, pathSegments[index] ?? '');
    });
    return {
      componentId: route.componentId,
      basedRoute: route.basedRoute,
      rawRoute: route.rawRoute,
      basedRouteOrPrefix: stripWildcard(route.basedRoute),
      rawRouteOrPrefix: stripWildcard(route.rawRoute),
      pathInfo: route.wildcard ? wildcardPathInfo(best.captured, path) : '',
      params,
    };
  }

  /** Routes in manifest order, displayed as `spin up` prints them (`/shop/users (wildcard)`). */
  routes(): { display: string; componentId: string; basedRoute: string }[] {
    return this.compiled.map((route) => ({
      display: route.wildcard
        ? `${stripWildcardMarker(route.basedRoute)} (wildcard)`
        : route.basedRoute || '/',
      componentId: route.componentId,
      basedRoute: route.basedRoute,
    }));
  }

  /** Whether an app route falls under Spin's reserved `/.well-known/spin/` prefix. */
  containsReservedRoute(): boolean {
    return this.compiled.some((route) => route.basedRoute.startsWith(WELL_KNOWN_PREFIX));
  }
}

/** base + route, each with one trailing slash dropped: `/shop/` + `/users/` → `/shop/users`. */
export function basedRoute(base: string, route: string): string {
  const absolute = route.startsWith('/') ? route : `/${route}`;
  return `${dropTrailingSlash(base)}${dropTrailingSlash(absolute)}`;
}

function compile(base: string, rawRoute: string, componentId: string, order: number): CompiledRoute {
  const based = basedRoute(base, rawRoute);
  const wildcard = based.endsWith('/...') || based.endsWith('/*') || based === '/...' || based === '/*';
  const body = wildcard ? stripWildcardMarker(based) : based;
  const segments = splitPath(body).map((text): Segment => {
    if (text === '*' || text === '...') {
      throw new RuntimeError(
        'ManifestInvalid',
        `route "${rawRoute}" of component "${componentId}" has a wildcard before its end; "/..." may only end a route`,
      );
    }
    if (text.startsWith(':')) {
      const name = text.slice(1);
      if (!/^[A-Za-z0-9_-]+$/.test(name)) {
        throw new RuntimeError(
          'ManifestInvalid',
          `route "${rawRoute}" of component "${componentId}" has an invalid parameter "${text}"`,
        );
      }
      return { kind: 'param', name };
    }
    return { kind: 'exact', text };
  });
  return { componentId, basedRoute: based, rawRoute, segments, wildcard, order };
}

/** Path segments; a single trailing slash and the leading slash carry no segment. */
function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+/, '').replace(/\/$/, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

function matchSegments(route: CompiledRoute, path: readonly string[]): string[] | undefined {
  if (route.wildcard ? path.length < route.segments.length : path.length !== route.segments.length)
    return undefined;
  for (const [index, segment] of route.segments.entries()) {
    const actual = path[index] ?? '';
    if (segment.kind === 'exact' ? actual !== segment.text : actual === '') return undefined;
  }
  return path.slice(route.segments.length);
}

function rankOf(route: CompiledRoute): number[] {
  return [...route.segments.map((segment) => RANK[segment.kind]), route.wildcard ? RANK.wildcard : RANK.end];
}

/** Positive when `a` is more specific than `b`. */
function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Spin keeps the request's trailing slash in the path info: `/foo/...` on `/foo/bar/` → `/bar/`. */
function wildcardPathInfo(captured: readonly string[], path: string): string {
  const rest = captured.join('/');
  const trailingSlash = path.endsWith('/');
  if (rest === '') return trailingSlash ? '/' : '';
  return trailingSlash ? `/${rest}/` : `/${rest}`;
}

function stripWildcard(route: string): string {
  return route.endsWith('/...') ? route.slice(0, -4) : route;
}

function stripWildcardMarker(route: string): string {
  if (route.endsWith('/...')) return route.slice(0, -4);
  if (route.endsWith('/*')) return route.slice(0, -2);
  return route;
}

function dropTrailingSlash(text: string): string {
  return text.endsWith('/') ? text.slice(0, -1) : text;
}
