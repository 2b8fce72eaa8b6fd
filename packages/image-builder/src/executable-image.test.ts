import { describe, expect, it } from 'vitest';
import { executableImage, NONROOT_UID } from './executable-image.js';

const configOf = (bytes: Uint8Array) =>
  JSON.parse(Buffer.from(bytes).toString()) as {
    config: { User: string; Entrypoint: string[] };
    history: { created_by?: string }[];
  };

describe('executableImage', () => {
  it('runs the executable as the non-root user by default, on its base, libraries and executable layers', async () => {
    const image = await executableImage({ executable: '/usr/bin/true' });
    const config = configOf(image.config.bytes);
    expect(config.config).toMatchObject({
      User: `${String(NONROOT_UID)}:${String(NONROOT_UID)}`,
      Entrypoint: ['/true'],
    });
    expect(image.layers).toHaveLength(3);
  });

  it('takes another user and a layer of extra files (a tool the executable runs)', async () => {
    const image = await executableImage({
      executable: '/usr/bin/true',
      user: '0:0',
      extraFiles: {
        comment: 'a tool',
        entries: [{ type: 'file', path: 'usr/bin/tool', bytes: Buffer.from('#!/bin/true\n'), mode: 0o755 }],
      },
    });
    const config = configOf(image.config.bytes);
    expect(config.config.User).toBe('0:0');
    expect(image.layers).toHaveLength(4);
    expect(config.history.at(-1)?.created_by).toBe('a tool');
  });
});
