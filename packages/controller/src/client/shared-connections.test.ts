import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { closeSharedConnections, shareConnections } from './shared-connections.js';

function kubeConfig(cert = 'CERT'): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', caData: Buffer.from('CA').toString('base64') }],
    users: [
      {
        name: 'u',
        certData: Buffer.from(cert).toString('base64'),
        keyData: Buffer.from('KEY').toString('base64'),
      },
    ],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return config;
}

interface Context {
  dispatcher?: unknown;
  setHeaderParam(): void;
  setDispatcher(dispatcher: unknown): void;
}

async function dispatcherOf(config: KubeConfig): Promise<unknown> {
  const context: Context = {
    setHeaderParam: () => undefined,
    setDispatcher(dispatcher) {
      this.dispatcher = dispatcher;
    },
  };
  await (
    config as unknown as { applySecurityAuthentication(c: Context): Promise<void> }
  ).applySecurityAuthentication(context);
  return context.dispatcher;
}

describe('shareConnections', () => {
  it('is needed: client-node builds a new dispatcher for every request', async () => {
    const config = kubeConfig();
    const first = await dispatcherOf(config);
    expect(first).toBeDefined();
    expect(await dispatcherOf(config)).not.toBe(first);
  });

  it('hands every request of one KubeConfig the same dispatcher', async () => {
    const config = shareConnections(kubeConfig());
    const first = await dispatcherOf(config);
    expect(await dispatcherOf(config)).toBe(first);
    expect(shareConnections(config)).toBe(config);
    expect(await dispatcherOf(config)).toBe(first);
    await closeSharedConnections(config);
    expect(await dispatcherOf(config)).not.toBe(first);
  });

  it('keeps KubeConfigs and credentials apart', async () => {
    const one = shareConnections(kubeConfig('CERT-1'));
    const other = shareConnections(kubeConfig('CERT-2'));
    expect(await dispatcherOf(one)).not.toBe(await dispatcherOf(other));
  });
});
