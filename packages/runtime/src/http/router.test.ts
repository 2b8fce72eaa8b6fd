import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import type { HttpTrigger } from '../manifest/types.js';
import { basedRoute, Router } from './router.js';
import { spinRequestHeaders } from './spin-headers.js';

const route = (path: string, component: string): Pick<HttpTrigger, 'route' | 'component'> => ({
  route: { kind: 'path', path },
  component,
});
const routed = (router: Router, path: string) => router.match(path)?.componentId;

describe('Router (Spin 3 semantics)', () => {
  it('matches exact routes, with or without the application base', () => {
    const router = Router.build('/', [route('/foo', 'foo'), route('/foo/bar', 'foobar')]);
    expect(routed(router, '/foo')).toBe('foo');
    expect(routed(router, '/foo/bar')).toBe('foobar');
    expect(routed(router, '/foo/baz')).toBeUndefined();
    const based = Router.build('/base', [route('/foo', 'foo')]);
    expect(routed(based, '/base/foo')).toBe('foo');
    expect(routed(based, '/foo')).toBeUndefined();
  });

  it('ignores a trailing slash on the request for exact routes', () => {
    expect(routed(Router.build('/', [route('/foo', 'foo')]), '/foo/')).toBe('foo');
  });

  it('matches everything under a /... wildcard, including its prefix and the root', () => {
    const router = Router.build('/', [route('/...', 'all')]);
    for (const path of ['/foo/bar', '/abc/', '/', '/this/should/be/captured'])
      expect(routed(router, path)).toBe('all');
  });

  it('prefers exact over wildcard and the longest wildcard prefix, whatever the order', () => {
    const wildcards = [
      route('/one/...', 'one'),
      route('/one/two/...', 'two'),
      route('/one/two/three/...', 'three'),
    ];
    expect(routed(Router.build('/', wildcards), '/one/two/three/four')).toBe('three');
    expect(routed(Router.build('/', [...wildcards].reverse()), '/one/two/three/four')).toBe('three');
    expect(routed(Router.build('/', [route('/...', 'wild'), route('/one', 'exact')]), '/one')).toBe('exact');
    expect(routed(Router.build('/', [route('/one/...', 'wild'), route('/one', 'exact')]), '/one')).toBe(
      'exact',
    );
  });

  it('prefers an exact segment to a parameter, and a parameter to the wildcard', () => {
    const router = Router.build('/', [
      route('/users/...', 'any'),
      route('/users/:id', 'one'),
      route('/users/me', 'me'),
    ]);
    expect(routed(router, '/users/me')).toBe('me');
    expect(routed(router, '/users/42')).toBe('one');
    expect(routed(router, '/users/42/posts')).toBe('any');
  });

  it('captures named parameters, also before a wildcard', () => {
    const router = Router.build('/', [route('/1/:two/3', 'a'), route('/x/:y/...', 'b')]);
    expect(router.match('/1/2/3')?.params).toEqual(new Map([['two', '2']]));
    expect(router.match('/x/why/z')?.params).toEqual(new Map([['y', 'why']]));
    expect(router.match('/1//3')).toBeUndefined();
  });

  it('reports the trailing wildcard with the trailing slash, as Spin does', () => {
    const router = Router.build('/', [route('/test/...', 'comp')]);
    expect(router.match('/test')?.pathInfo).toBe('');
    expect(router.match('/test/')?.pathInfo).toBe('/');
    expect(router.match('/test/hello')?.pathInfo).toBe('/hello');
    expect(router.match('/test/hello/')?.pathInfo).toBe('/hello/');
    expect(Router.build('/', [route('/...', 'c')]).match('/1/2/3')?.pathInfo).toBe('/1/2/3');
    expect(Router.build('/', [route('/1/...', 'c')]).match('/1/2/3')?.pathInfo).toBe('/2/3');
  });

  it('accepts /* as a trailing wildcard', () => {
    expect(routed(Router.build('/', [route('/static/*', 's')]), '/static/css/site.css')).toBe('s');
  });

  it('never routes to private endpoints', () => {
    const router = Router.build('/', [
      route('/', 'root'),
      { route: { kind: 'private' }, component: 'hidden' },
    ]);
    expect(router.routes().map((r) => r.componentId)).toEqual(['root']);
  });

  it('lets the last of two identical routes win, keeping the first position, and reports the duplicate', () => {
    const router = Router.build('/', [route('/', 'root'), route('/foo', 'first'), route('/foo', 'second')]);
    expect(routed(router, '/foo')).toBe('second');
    expect(router.routes().map((r) => r.componentId)).toEqual(['root', 'second']);
    expect(router.duplicates).toEqual([
      { route: '/foo', replacedComponent: 'first', effectiveComponent: 'second' },
    ]);
  });

  it('lists routes for display the way spin up prints them', () => {
    const router = Router.build('/shop', [route('/', 'home'), route('/users/...', 'users')]);
    expect(router.routes().map((r) => r.display)).toEqual(['/shop', '/shop/users (wildcard)']);
  });

  it('knows the reserved /.well-known/spin/ prefix', () => {
    expect(Router.build('/', [route('/.well-known/spin/fie', 'c')]).containsReservedRoute()).toBe(true);
    expect(Router.build('/', [route('/.well-known/spindle/...', 'c')]).containsReservedRoute()).toBe(false);
  });

  it('refuses a wildcard in the middle of a route, naming the component', () => {
    expect(() => Router.build('/', [route('/a/.../b', 'bad')])).toThrow(RuntimeError);
    expect(() => Router.build('/', [route('/a/.../b', 'bad')])).toThrow(
      /route "\/a\/\.\.\.\/b" of component "bad"/,
    );
  });
});

describe('basedRoute', () => {
  it.each([
    ['/', '/', ''],
    ['/', '/hello', '/hello'],
    ['/shop/', '/users/', '/shop/users'],
    ['/shop', 'users/...', '/shop/users/...'],
  ])('base %s + route %s → %j', (base, path, expected) => expect(basedRoute(base, path)).toBe(expected));
});

describe('spin-* request headers', () => {
  it('carry the documented values for a based wildcard route with a parameter', () => {
    const router = Router.build('/shop', [route('/users/:id/...', 'users')]);
    const match = router.match('/shop/users/1/edit');
    expect(match).toBeDefined();
    const headers = Object.fromEntries(
      spinRequestHeaders(match!, {
        fullUrl: 'https://example.com:8080/shop/users/1/edit?theme=pink',
        basePath: '/shop',
        clientAddr: '127.0.0.1:53152',
      }),
    );
    expect(headers).toEqual({
      'spin-full-url': 'https://example.com:8080/shop/users/1/edit?theme=pink',
      'spin-path-info': '/edit',
      'spin-matched-route': '/shop/users/:id/...',
      'spin-base-path': '/shop',
      'spin-raw-component-route': '/users/:id/...',
      'spin-component-route': '/users/:id',
      'spin-client-addr': '127.0.0.1:53152',
      'spin-path-match-id': '1',
    });
  });
});
