/**
 * Where worker threads load their entry module from. By default the built `instance-worker.js` next to
 * this module; a bundled program (a Node single executable application, say) has no such file beside it,
 * so it writes its bundled worker script to disk and points the pools at it with `setWorkerEntry`.
 */

let override: URL | undefined;

/**
 * Makes every worker started from now on load `url` instead of the built entry next to this module;
 * `undefined` goes back to that one.
 */
export function setWorkerEntry(url: URL | undefined): void {
  override = url;
}

/** The entry module of a new worker thread. Tests run the TypeScript sources, so they use the built file. */
export function workerEntry(): URL {
  if (override) return override;
  const url = new URL('./instance-worker.js', import.meta.url);
  return url.pathname.includes('/src/engine/') && import.meta.url.endsWith('.ts')
    ? new URL(url.href.replace('/src/engine/', '/dist/engine/'))
    : url;
}
