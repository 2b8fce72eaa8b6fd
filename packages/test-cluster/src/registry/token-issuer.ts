/**
 * A token issuer for the registry's token auth (the Bearer flow Docker Hub, GHCR and others use): checks
 * Basic credentials and grants the requested repository scopes in an ES256 JWT whose `x5c` header carries a
 * self-signed certificate, which the registry trusts through `rootcertbundle`. The key and certificate
 * come from openssl.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export const TOKEN_SERVICE = 'spinkube-test-registry';
export const TOKEN_ISSUER = 'spinkube-test-issuer';

export interface TokenIssuer {
  readonly realm: string;
  /** Path of the certificate the registry must trust. */
  readonly certificate: string;
  /** `scope` of each token request, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startTokenIssuer(
  dir: string,
  user: { readonly username: string; readonly password: string },
): Promise<TokenIssuer> {
  const key = join(dir, 'token.key');
  const certificate = join(dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=spinkube-test-token',
      '-keyout',
      key,
      '-out',
      certificate,
    ],
    { stdio: 'ignore' },
  );
  const privateKey = readFileSync(key, 'utf8');
  const chain = [new X509Certificate(readFileSync(certificate)).raw.toString('base64')];
  const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  const requests: string[] = [];

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const scopes = url.searchParams.getAll('scope');
    requests.push(scopes.join(' '));
    if (request.headers.authorization !== expected) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.map((scope) => {
      const [type = '', ...rest] = scope.split(':');
      const actions = rest.pop() ?? '';
      return { type, name: rest.join(':'), actions: actions.split(',') };
    });
    const token = jwt(
      { alg: 'ES256', typ: 'JWT', x5c: chain },
      {
        iss: TOKEN_ISSUER,
        sub: user.username,
        aud: url.searchParams.get('service') ?? TOKEN_SERVICE,
        iat: now,
        nbf: now - 10,
        exp: now + 300,
        jti: randomBytes(8).toString('hex'),
        access,
      },
      privateKey,
    );
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    realm: `http://127.0.0.1:${String(port)}/token`,
    certificate,
    requests,
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

function jwt(header: object, claims: object, privateKey: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
