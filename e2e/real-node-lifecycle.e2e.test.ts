/**
 * `npm run cluster -- up --real-node` and `down`, as a developer runs them: up prints where the cluster
 * and its registry are; down, with a Spin pod and a runc pod still running, leaves no process, mount,
 * mount or network namespace, mount point, bridge, route, cgroup or file of the cluster behind.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PlatformNames } from '@spinkube/api';
import { busyboxImage, loadKubeConfig, eventually } from '@spinkube/test-cluster';
import { pushImage } from '@spinkube/image-builder';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { mountNamespacePinned, processesInMountNamespace } from './support/host-mounts.ts';
import { get, PACKAGED_SHIM } from './support/real-node-cluster.ts';
import { helloApp, pushSpinApp } from './support/spin-apps.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'packages', 'test-cluster', 'dist', 'cli.js');
const NAME = `e2e-lifecycle-${String(process.pid)}`;
const cli = (...args: string[]) =>
  run(process.execPath, [CLI, '--name', NAME, ...args], { timeout: 300_000 });

interface RecordedState {
  dataDir: string;
  processes: { pid: number; name: string }[];
  node: {
    cgroupRoot: string;
    network: { bridge: string; netns: string; veth: string; podCidr: string };
    mountNamespacePath: string;
  };
}

afterAll(async () => {
  await cli('down').catch(() => undefined);
});

describe('a real-node cluster from the command line', () => {
  it('comes up printing KUBECONFIG and REGISTRY, runs pods, and goes down without a trace', async () => {
    const hostRules = await iptablesRules();
    const hostOptRcm = existsSync('/opt/rcm');
    const hostEtcContainerd = existsSync('/etc/containerd') ? readdirSync('/etc/containerd') : [];
    const up = await cli('up', '--real-node', '--shim', PACKAGED_SHIM);
    const kubeconfig = /^KUBECONFIG=(.+)$/m.exec(up.stdout)?.[1] ?? '';
    const registry = /^REGISTRY=(.+)$/m.exec(up.stdout)?.[1] ?? '';
    expect(existsSync(kubeconfig)).toBe(true);
    expect(registry).toMatch(/^10\.250\.\d+\.1:\d+$/);
    const state = JSON.parse(
      readFileSync(join(kubeconfig, '..', '..', 'cluster.json'), 'utf8'),
    ) as RecordedState;

    const core = loadKubeConfig(kubeconfig).makeApiClient(CoreV1Api);
    const spinImage = `${registry}/e2e/hello:v1`;
    await pushSpinApp(helloApp('hello', 'tiny-hello'), spinImage);
    const runcImage = `${registry}/e2e/toolbox:v1`;
    await pushImage(
      await busyboxImage({ entrypoint: ['/bin/sh', '-c', 'while true; do sleep 1; done'] }),
      runcImage,
      {
        insecure: true,
      },
    );
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'spin' },
        spec: {
          runtimeClassName: PlatformNames.runtimeClass,
          containers: [{ name: 'app', image: spinImage, command: ['/'] }],
        },
      },
    });
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'runc' }, spec: { containers: [{ name: 'app', image: runcImage }] } },
    });
    const ip = await eventually('the Spin pod Running', async () => {
      const pod = await core.readNamespacedPod({ name: 'spin', namespace: 'default' });
      return pod.status?.phase === 'Running' ? pod.status.podIP : undefined;
    });
    expect((await eventually('the Spin pod answering', () => get(`http://${ip}/`))).status).toBe(200);
    await eventually('the runc pod Running', async () => {
      const pod = await core.readNamespacedPod({ name: 'runc', namespace: 'default' });
      return pod.status?.phase === 'Running' ? true : undefined;
    });

    const kubelet = state.processes.find((p) => p.name === 'kubelet')?.pid ?? 0;
    const mountNamespace = readlinkSync(`/proc/${String(kubelet)}/ns/mnt`);
    expect(mountNamespace).not.toBe(readlinkSync('/proc/self/ns/mnt'));

    await cli('down');

    const { network, cgroupRoot } = state.node;
    const alive = state.processes.filter((p) => existsSync(`/proc/${String(p.pid)}`) && !zombie(p.pid));
    expect(alive).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(state.dataDir);
    expect(processesInMountNamespace(mountNamespace)).toEqual([]);
    // The mount points made for the node's /etc/containerd and /opt/rcm are gone (unless another cluster's
    // node still uses them); the host's stay as they were.
    expect(existsSync('/opt/rcm')).toBe(hostOptRcm || mountNamespacePinned());
    expect(existsSync('/etc/containerd') ? readdirSync('/etc/containerd') : []).toEqual(hostEtcContainerd);
    expect(existsSync(state.dataDir)).toBe(false);
    expect((await run('/usr/sbin/ip', ['netns', 'list'])).stdout).not.toContain(network.netns);
    const links = (await run('/usr/sbin/ip', ['-o', 'link', 'show'])).stdout;
    expect(links).not.toContain(`${network.bridge}:`);
    expect(links).not.toContain(`${network.veth}@`);
    expect((await run('/usr/sbin/ip', ['route', 'show'])).stdout).not.toContain(
      network.podCidr.split('/')[0],
    );
    // kube-proxy's and CNI's rules lived in the node's namespace; the host's are as they were.
    expect(await iptablesRules()).toEqual(hostRules);
    for (const hierarchy of ['memory', 'cpu', 'pids', 'unified'])
      expect(existsSync(join('/sys/fs/cgroup', hierarchy, cgroupRoot))).toBe(false);
    // No request to the pod's address now: with the cluster's route gone it is no longer the cluster's.
  });
});

/** The host's iptables rules of every table, without counters. */
async function iptablesRules(): Promise<string> {
  return (await run('/usr/sbin/iptables-save')).stdout
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/\[\d+:\d+\]/, ''))
    .join('\n');
}

function zombie(pid: number): boolean {
  try {
    return (
      readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
        .split(') ')[1]
        ?.startsWith('Z') ?? true
    );
  } catch {
    return true;
  }
}
