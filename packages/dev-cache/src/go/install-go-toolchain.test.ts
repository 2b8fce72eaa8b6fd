import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalHttpServer, type LocalHttpServer } from '../../test/local-http-server.js';
import { writeZip } from '../../test/make-zip.js';
import { sha256Hex } from '../sha256.js';
import { installGoToolchain, proxyFromGoproxy } from './install-go-toolchain.js';
import { goModuleZipHash } from './module-zip-hash.js';

// A stand-in toolchain in the proxy's layout: `bin/go` is a script, so the test can run what it installed.
const PREFIX = 'golang.org/toolchain@v0.0.1-go1.99.1.linux-amd64/';
const FILES = {
  [`${PREFIX}bin/go`]: '#!/bin/sh\necho go1.99.1\n',
  [`${PREFIX}pkg/tool/linux_amd64/compile`]: '#!/bin/sh\n',
  [`${PREFIX}src/runtime/runtime.go`]: 'package runtime\n',
  [`${PREFIX}VERSION`]: 'go1.99.1\n',
};
const SUM = goModuleZipHash(
  Object.entries(FILES).map(([name, content]) => ({ name, sha256Hex: sha256Hex(content) })),
);

let proxy: LocalHttpServer;
let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'spinkube-go-install-'));
  await writeZip(join(work, 'toolchain.zip'), FILES);
  proxy = await startLocalHttpServer(
    new Map([
      ['/golang.org/toolchain/@v/v0.0.1-go1.99.1.linux-amd64.zip', readFileSync(join(work, 'toolchain.zip'))],
    ]),
  );
});
afterAll(async () => {
  await proxy.close();
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => rmSync(join(work, 'cache'), { recursive: true, force: true }));

const install = (sum: string) =>
  installGoToolchain({
    version: 'go1.99.1',
    platform: 'linux-amd64',
    sum,
    dir: join(work, 'cache', 'go', 'go1.99.1.linux-amd64'),
    proxy: proxy.url,
  });

describe('installGoToolchain', () => {
  it('downloads the toolchain zip from the proxy, checks its go.sum hash and unpacks a runnable go', async () => {
    const go = await install(SUM);
    expect(go).toBe(join(work, 'cache', 'go', 'go1.99.1.linux-amd64', 'bin', 'go'));
    expect(execFileSync(go, { encoding: 'utf8' })).toBe('go1.99.1\n');
    const dir = join(work, 'cache', 'go', 'go1.99.1.linux-amd64');
    expect(statSync(join(dir, 'pkg/tool/linux_amd64/compile')).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, 'src/runtime/runtime.go')).mode & 0o777).toBe(0o644);
    expect(readdirSync(join(work, 'cache', 'go'))).toEqual(['go1.99.1.linux-amd64']);
  });

  it('does not download again once installed', async () => {
    await install(SUM);
    const requests = proxy.requests.length;
    await install(SUM);
    expect(proxy.requests).toHaveLength(requests);
  });

  it('refuses a zip whose hash is not the pinned one and leaves nothing behind', async () => {
    const wrong = 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    await expect(install(wrong)).rejects.toThrow(
      `does not match its pinned go.sum hash: expected ${wrong}, got ${SUM}`,
    );
    expect(existsSync(join(work, 'cache', 'go')) ? readdirSync(join(work, 'cache', 'go')) : []).toEqual([]);
  });
});

describe('proxyFromGoproxy', () => {
  it('takes the first proxy URL of a GOPROXY list, the public proxy when unset, none for off/direct', () => {
    expect(proxyFromGoproxy(undefined)).toBe('https://proxy.golang.org');
    expect(proxyFromGoproxy('https://goproxy.example/,direct')).toBe('https://goproxy.example');
    expect(proxyFromGoproxy('direct|http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
    expect(proxyFromGoproxy('off')).toBeUndefined();
  });
});
