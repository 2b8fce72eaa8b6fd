import { describe, expect, it } from 'vitest';
import { FlagError, parseShimFlags } from './flags.js';

describe('parseShimFlags', () => {
  it('reads the flags containerd passes to start, in Go flag syntax', () => {
    const flags = parseShimFlags([
      '-namespace',
      'k8s.io',
      '-address',
      '/run/containerd/containerd.sock',
      '-publish-binary',
      '/usr/bin/containerd',
      '-id',
      'abc',
      '-debug',
      'start',
    ]);
    expect(flags).toMatchObject({
      namespace: 'k8s.io',
      address: '/run/containerd/containerd.sock',
      publishBinary: '/usr/bin/containerd',
      id: 'abc',
      debug: true,
      action: 'start',
    });
  });

  it('accepts -name=value, --name and -bundle before delete', () => {
    const flags = parseShimFlags(['--namespace=default', '-bundle', '/b', '-id=x', 'delete']);
    expect(flags).toMatchObject({
      namespace: 'default',
      bundle: '/b',
      id: 'x',
      action: 'delete',
      debug: false,
    });
  });

  it('treats -v as the version flag and no action as the server', () => {
    expect(parseShimFlags(['-v'])).toMatchObject({ version: true });
    expect(parseShimFlags(['-info'])).toMatchObject({ info: true, version: false });
    expect(parseShimFlags(['-namespace', 'n', '-socket', 'unix:///s']).action).toBeUndefined();
  });

  it('keeps the arguments after the action', () => {
    expect(parseShimFlags(['netns-listen', '/var/run/netns/a', '0.0.0.0:80']).rest).toEqual([
      '/var/run/netns/a',
      '0.0.0.0:80',
    ]);
  });

  it('rejects unknown flags and missing values the way Go flag does', () => {
    expect(() => parseShimFlags(['-nope'])).toThrow(new FlagError('flag provided but not defined: -nope'));
    expect(() => parseShimFlags(['-namespace'])).toThrow('flag needs an argument: -namespace');
    expect(() => parseShimFlags(['-debug=maybe'])).toThrow('invalid boolean value "maybe" for -debug');
  });
});
