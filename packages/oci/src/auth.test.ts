import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registryCredentials } from './docker-config.js';
import { parseAuthChallenge } from './www-authenticate.js';

describe('parseAuthChallenge', () => {
  it('reads a Bearer challenge with quoted parameters', () => {
    const challenge = parseAuthChallenge(
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"',
    );
    expect(challenge?.scheme).toBe('bearer');
    expect(Object.fromEntries(challenge?.params ?? [])).toEqual({
      realm: 'https://auth.example.com/token',
      service: 'registry.example.com',
      scope: 'repository:a/b:pull,push',
    });
  });

  it('reads a Basic challenge, bare values and escapes', () => {
    expect(parseAuthChallenge('Basic realm="basic-realm"')?.scheme).toBe('basic');
    const challenge = parseAuthChallenge('Bearer realm=https://x/t, service="a \\"b\\""');
    expect(challenge?.params.get('realm')).toBe('https://x/t');
    expect(challenge?.params.get('service')).toBe('a "b"');
  });

  it('gives undefined without a header', () => {
    expect(parseAuthChallenge(null)).toBeUndefined();
    expect(parseAuthChallenge('')).toBeUndefined();
  });
});

describe('registryCredentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spinkube-docker-config-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hub:secret').toString('base64') },
        'localhost:5000': { auth: Buffer.from('me:pa:ss').toString('base64') },
        'https://ghcr.io': { username: 'gh', password: 'token' },
      },
    }),
  );
  const env = { DOCKER_CONFIG: dir };

  it('finds auths by host, port included, whether keys are URLs or hosts', async () => {
    expect(await registryCredentials('localhost:5000', env)).toEqual({ username: 'me', password: 'pa:ss' });
    expect(await registryCredentials('ghcr.io', env)).toEqual({ username: 'gh', password: 'token' });
    expect(await registryCredentials('docker.io', env)).toEqual({ username: 'hub', password: 'secret' });
  });

  it('is anonymous for other registries and without a config file', async () => {
    expect(await registryCredentials('localhost:5001', env)).toBeUndefined();
    expect(await registryCredentials('ghcr.io', { DOCKER_CONFIG: join(dir, 'none') })).toBeUndefined();
  });
});
