import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { parseManifest } from '../manifest/load-manifest.js';
import type { AppManifest, ComponentSpec } from '../manifest/types.js';
import { resolveComponentFiles } from './resolve-files.js';

let appDir: string;

/** The RuntimeError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<RuntimeError> {
  const reason: unknown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (reason instanceof RuntimeError) return reason;
  throw new Error(`expected a RuntimeError, got ${String(reason)}`);
}

beforeAll(() => {
  appDir = mkdtempSync(join(tmpdir(), 'spinkube-files-'));
  for (const file of [
    'static/index.html',
    'static/css/site.css',
    'static/.well-known/security.txt',
    'static/old.bak',
    'assets/logo.svg',
    'assets/fonts/a.woff',
    'assets/fonts/a.woff.bak',
    'config/app.json',
    'top.md',
    'spin.toml',
  ]) {
    mkdirSync(dirname(join(appDir, file)), { recursive: true });
    writeFileSync(join(appDir, file), file);
  }
});

afterAll(() => {
  rmSync(appDir, { recursive: true, force: true });
});

function app(files: string, exclude = '[]'): { manifest: AppManifest; spec: ComponentSpec } {
  const manifest = parseManifest(
    [
      'spin_manifest_version = 2',
      '[application]',
      'name = "files"',
      '[[trigger.http]]',
      'route = "/..."',
      'component = "web"',
      '[component.web]',
      'source = "web.wasm"',
      `files = ${files}`,
      `exclude_files = ${exclude}`,
    ].join('\n'),
    join(appDir, 'spin.toml'),
  );
  const spec = manifest.components.get('web');
  if (!spec) throw new Error('no component');
  return { manifest, spec };
}

async function guestPaths(files: string, exclude?: string): Promise<string[]> {
  const { manifest, spec } = app(files, exclude);
  return (await resolveComponentFiles(manifest, spec)).map((file) => file.guestPath);
}

describe('resolveComponentFiles', () => {
  it('keeps the relative path of files matched by a glob, dotfiles included, sorted', async () => {
    const { manifest, spec } = app('["static/**/*"]');
    expect(await resolveComponentFiles(manifest, spec)).toEqual([
      {
        hostPath: join(appDir, 'static/.well-known/security.txt'),
        guestPath: '/static/.well-known/security.txt',
      },
      { hostPath: join(appDir, 'static/css/site.css'), guestPath: '/static/css/site.css' },
      { hostPath: join(appDir, 'static/index.html'), guestPath: '/static/index.html' },
      { hostPath: join(appDir, 'static/old.bak'), guestPath: '/static/old.bak' },
    ]);
  });

  it('takes an existing file or directory path literally', async () => {
    expect(await guestPaths('["top.md", "assets"]')).toEqual([
      '/assets/fonts/a.woff',
      '/assets/fonts/a.woff.bak',
      '/assets/logo.svg',
      '/top.md',
    ]);
  });

  it('places a directory tree or a single file at a destination', async () => {
    expect(
      await guestPaths(
        '[{ source = "assets", destination = "/public" }, { source = "config/app.json", destination = "/etc/app.json" }]',
      ),
    ).toEqual(['/etc/app.json', '/public/fonts/a.woff', '/public/fonts/a.woff.bak', '/public/logo.svg']);
  });

  it('drops files matched by exclude_files, relative to the manifest directory', async () => {
    expect(
      await guestPaths('["static/**/*", { source = "assets", destination = "/a" }]', '["**/*.bak"]'),
    ).toEqual([
      '/a/fonts/a.woff',
      '/a/logo.svg',
      '/static/.well-known/security.txt',
      '/static/css/site.css',
      '/static/index.html',
    ]);
  });

  it('lets a later mount win a guest path', async () => {
    const { manifest, spec } = app(
      '[{ source = "top.md", destination = "/x" }, { source = "config/app.json", destination = "/x" }]',
    );
    expect(await resolveComponentFiles(manifest, spec)).toEqual([
      { hostPath: join(appDir, 'config/app.json'), guestPath: '/x' },
    ]);
  });

  it('gives nothing for a glob that matches nothing', async () => {
    expect(await guestPaths('["nothing/*.txt"]')).toEqual([]);
  });

  it('resolves a placed file given by absolute path (pulled apps)', async () => {
    const { manifest, spec } = app('[]');
    const placed: ComponentSpec = {
      ...spec,
      files: [{ kind: 'file', source: join(appDir, 'top.md'), destination: '/docs/top.md' }],
    };
    expect(await resolveComponentFiles(manifest, placed)).toEqual([
      { hostPath: join(appDir, 'top.md'), guestPath: '/docs/top.md' },
    ]);
  });

  it('refuses a source that does not exist, with file, line and field', async () => {
    const { manifest, spec } = app('["top.md",\n  { source = "gone", destination = "/g" }]');
    await expect(resolveComponentFiles(manifest, spec)).rejects.toThrow(
      /spin\.toml:10: component\.web\.files\[1\]\.source: file or directory "gone" does not exist/,
    );
    const error = await failure(guestPaths('["missing.txt"]'));
    expect(error.code).toBe('FileMountMissing');
    expect(error.message).toMatch(
      /component\.web\.files\[0\]: "missing.txt" does not exist and is not a glob/,
    );
  });

  it('refuses a glob that escapes the application directory', async () => {
    const error = await failure(guestPaths('["../**/*"]'));
    expect(error.code).toBe('FileMountInvalid');
    expect(error.message).toMatch(
      /spin\.toml:9: component\.web\.files\[0\]: "\.\.\/\*\*\/\*" escapes the application directory/,
    );
    await expect(guestPaths('[{ source = "../x", destination = "/x" }]')).rejects.toThrow(
      /files\[0\]\.source: "\.\.\/x" is outside the application directory/,
    );
  });

  it('refuses an absolute glob and a relative destination', async () => {
    await expect(guestPaths('["/etc/*"]')).rejects.toThrow(/files\[0\]: "\/etc\/\*" is absolute/);
    const { manifest, spec } = app('[]');
    const relative: ComponentSpec = {
      ...spec,
      files: [{ kind: 'placement', source: 'assets', destination: 'public' }],
    };
    await expect(resolveComponentFiles(manifest, relative)).rejects.toThrow(
      /component\.web\.files\[0\]\.destination: destination "public" must be an absolute path/,
    );
  });

  it('refuses "." patterns as Spin does', async () => {
    await expect(guestPaths('["static/."]')).rejects.toThrow(/names a directory by "\."/);
  });

  it('points at the trigger for an inline component', async () => {
    const manifest = parseManifest(
      [
        'spin_manifest_version = 2',
        '[application]',
        'name = "inline"',
        '[[trigger.http]]',
        'route = "/..."',
        'component = { source = "a.wasm", files = ["nope.txt"] }',
      ].join('\n'),
      join(appDir, 'spin.toml'),
    );
    const spec = manifest.components.get('inline-component-0');
    if (!spec) throw new Error('no component');
    await expect(resolveComponentFiles(manifest, spec)).rejects.toThrow(
      /spin\.toml:6: trigger\.http\[0\]\.component\.files\[0\]: "nope\.txt" does not exist/,
    );
  });
});
