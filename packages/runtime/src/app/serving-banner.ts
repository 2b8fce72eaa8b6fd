/**
 * What `spin up` prints once an app serves, and what Spin pods show in `kubectl logs` (upstream's shim
 * prints the same): the URL and one line per route with its component.
 */
import type { Router } from '../http/router.js';

export function servingBanner(url: string, router: Router): string {
  const routes = router.routes().map((route) => {
    const path = route.display === '/' ? '' : route.display;
    return `  ${route.componentId}: ${url}${path}\n`;
  });
  return `Serving ${url}\nAvailable Routes:\n${routes.join('')}`;
}
