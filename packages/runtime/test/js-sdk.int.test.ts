import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { up } from './up-process.js';

const jsHello = join(import.meta.dirname, '..', '..', '..', 'examples', 'js-hello');
const stateDir = mkdtempSync(join(tmpdir(), 'spinkube-js-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('a Spin JS SDK component (StarlingMonkey, 12 MB)', () => {
  it('serves requests with Spin headers, a fresh instance each time, and its logs prefixed', async () => {
    const { url, stdout } = await up(['-f', jsHello, '--listen', '127.0.0.1:0', '--state-dir', stateDir]);
    const bodies: string[] = [];
    for (const path of ['/', '/a/b', '/c']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain');
      bodies.push(await response.text());
    }
    expect(bodies[1]).toBe(
      'Hello from the JS SDK!\npath: /a/b\nmatched route: /...\npath info: /a/b\nhits: 1\n',
    );
    // Module state never survives a request: the guest counter reads 1 every time.
    for (const body of bodies) expect(body).toContain('hits: 1\n');
    expect(stdout()).toContain('[js-hello] GET /a/b\n');
    // spin-* headers are the runtime's: a client cannot forge them.
    const forged = await fetch(`${url}/x`, { headers: { 'spin-matched-route': '/forged' } });
    expect(await forged.text()).toContain('matched route: /...\n');
  });
});
