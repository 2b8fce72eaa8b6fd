/**
 * Spin pods under a real kubelet, on one containerd line: pods whose RuntimeClass selects the Spin shim run
 * a Spin OCI artifact pulled through CRI, each in its own pod network (own IP, port 80), with their output
 * in `kubectl logs`, beside ordinary runc pods; they keep serving while containerd is restarted by its
 * supervisor, and their deletion completes within the grace period, leaving nothing on the node.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Pod } from '@kubernetes/client-node';
import { PlatformNames } from '@spinkube/api';
import { eventually, type NodeContainerd } from '@spinkube/test-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  get,
  getFromPod,
  podContainersOnNode,
  startRealNodeCluster,
  type RealNodeCluster,
} from './real-node-cluster.ts';
import { helloApp, pushSpinApp } from './spin-apps.ts';

const NAMESPACE = 'default';
const GRACE_SECONDS = 30;

export function describeSpinPods(containerd: NodeContainerd): void {
  describe(`Spin pods on a real node with containerd ${containerd}`, () => {
    let e2e: RealNodeCluster;
    let helloImage: string;

    beforeAll(async () => {
      e2e = await startRealNodeCluster(`e2e-pods-${containerd}`, containerd);
      helloImage = `${e2e.node.registry}/e2e/hello:v1`;
      await pushSpinApp(helloApp('hello'), helloImage);
    });
    afterAll(async () => {
      // Undefined when the cluster never came up.
      await (e2e as RealNodeCluster | undefined)?.cluster.stop();
    });

    const spinPod = (name: string): V1Pod => ({
      metadata: { name, labels: { app: 'hello' } },
      spec: {
        runtimeClassName: PlatformNames.runtimeClass,
        terminationGracePeriodSeconds: GRACE_SECONDS,
        // A Spin artifact has no entrypoint; CRI wants a command, which the shim ignores (as upstream's operator does).
        containers: [{ name: 'hello', image: helloImage, command: ['/'] }],
      },
    });

    async function runningPodIp(name: string): Promise<string> {
      return eventually(`pod ${name} Running with an IP`, async () => {
        const pod = await e2e.core.readNamespacedPod({ name, namespace: NAMESPACE });
        return pod.status?.phase === 'Running' && pod.status.podIP ? pod.status.podIP : undefined;
      });
    }

    const answer = (url: string) =>
      eventually(`200 from ${url}`, async () => {
        const response = await get(url);
        return response?.status === 200 ? response.body : undefined;
      });

    let ips: string[] = [];

    it('runs two Spin pods from an artifact pulled through CRI, each answering on its own pod IP, port 80', async () => {
      for (const name of ['spin-a', 'spin-b'])
        await e2e.core.createNamespacedPod({ namespace: NAMESPACE, body: spinPod(name) });
      ips = [await runningPodIp('spin-a'), await runningPodIp('spin-b')];
      expect(new Set(ips).size).toBe(2);
      for (const ip of ips)
        expect(ip.startsWith(e2e.node.podCidr.split('.').slice(0, 3).join('.'))).toBe(true);
      for (const [index, ip] of ips.entries())
        expect(await answer(`http://${ip}:80/pod-${String(index)}`)).toContain(`path: /pod-${String(index)}`);
      // Not on the node's own address: each app listens in its pod's network namespace.
      expect(await get(`http://${e2e.node.address}:80/`)).toBeUndefined();
    });

    it("puts each app's output in kubectl logs: the serving banner, then what the component prints", async () => {
      const logs = await eventually('GET /pod-0 in the logs of spin-a', async () => {
        const text = await e2e.kubectl(['logs', 'spin-a']);
        return text.includes('GET /pod-0') ? text : undefined;
      });
      expect(logs).toContain(
        'Serving http://0.0.0.0:80\nAvailable Routes:\n  hello: http://0.0.0.0:80 (wildcard)\n',
      );
      expect(logs).not.toContain('GET /pod-1');
    });

    it('runs an ordinary (runc) pod beside them, which reaches a Spin pod and a Service by DNS name', async () => {
      await e2e.core.createNamespacedPod({
        namespace: NAMESPACE,
        body: {
          metadata: { name: 'toolbox' },
          spec: { containers: [{ name: 'toolbox', image: e2e.toolboxImage }] },
        },
      });
      await runningPodIp('toolbox');
      await e2e.core.createNamespacedService({
        namespace: NAMESPACE,
        body: {
          metadata: { name: 'hello' },
          spec: { selector: { app: 'hello' }, ports: [{ port: 80, targetPort: 80 }] },
        },
      });
      const direct = await e2e.kubectl([
        'exec',
        'toolbox',
        '--',
        'wget',
        '-qO-',
        `http://${ips[1] ?? ''}/from-toolbox`,
      ]);
      expect(direct).toContain('path: /from-toolbox');
      const byName = await eventually('the hello Service by DNS name', async () =>
        getFromPod(e2e, 'toolbox', 'http://hello.default.svc.cluster.local/by-name'),
      );
      expect(byName).toContain('path: /by-name');
    });

    it('keeps Spin pods serving and the node Ready while containerd is killed and restarted by its supervisor', async () => {
      const before = e2e.node.containerdPid();
      const failures: string[] = [];
      const sampling = { on: true };
      const sampler = (async () => {
        while (sampling.on) {
          for (const ip of ips)
            if ((await get(`http://${ip}/during`))?.status !== 200) failures.push(`${ip} did not answer`);
          const node = await e2e.core.readNode({ name: e2e.node.name });
          const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
          if (ready?.status !== 'True')
            failures.push(`node Ready=${ready?.status ?? 'missing'}: ${ready?.message ?? ''}`);
          await sleep(200);
        }
      })();
      process.kill(before, 'SIGKILL');
      const after = await eventually('a new containerd', () => {
        const pid = e2e.node.containerdPid();
        return Promise.resolve(pid !== before ? pid : undefined);
      });
      expect(after).not.toBe(before);
      // The restarted containerd serves CRI again: kubelet starts a new Spin pod through it.
      await e2e.core.createNamespacedPod({ namespace: NAMESPACE, body: spinPod('spin-c') });
      expect(await answer(`http://${await runningPodIp('spin-c')}/after-restart`)).toContain(
        'path: /after-restart',
      );
      sampling.on = false;
      await sampler;
      expect(failures).toEqual([]);
    });

    it('deletes Spin pods within their grace period and leaves nothing of them on the node', async () => {
      const pods = ['spin-a', 'spin-b', 'spin-c'];
      const podIps = await Promise.all(pods.map((name) => runningPodIp(name)));
      expect((await podContainersOnNode(e2e.node, 'spin-a')).length).toBeGreaterThan(0);
      // kubectl fails when a pod is still there at the timeout: the grace period.
      await e2e.kubectl(['delete', 'pod', ...pods, '--wait', `--timeout=${String(GRACE_SECONDS)}s`], {
        timeoutMs: (GRACE_SECONDS + 10) * 1000,
      });
      for (const ip of podIps) expect(await get(`http://${ip}/gone`)).toBeUndefined();
      await e2e.kubectl(['delete', 'pod', 'toolbox', `--timeout=${String(GRACE_SECONDS)}s`]);
      // kubelet removes the stopped containers and sandboxes of deleted pods in its garbage collection,
      // which runs once a minute.
      for (const name of [...pods, 'toolbox'])
        await eventually(
          `the node's containerd to hold no container of ${name}`,
          async () => ((await podContainersOnNode(e2e.node, name)).length === 0 ? true : undefined),
          120_000,
        );
    });
  });
}
