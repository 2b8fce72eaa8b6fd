import { describe, expect, it } from 'vitest';
import { trimK8sName } from './k8s-name.js';
import { normalizeArch, resolveArtifact } from './node-platform.js';
import { renderNodeJob, type JobSettings } from './node-job.js';

const settings: JobSettings = {
  namespace: 'rcm',
  downloaderImage: 'ghcr.io/spinkube/shim-downloader:0.1.0',
  installerImage: 'ghcr.io/spinkube/node-installer:0.1.0',
};
const shim = { name: 'spin-v2', uid: 'uid-1', containerdRuntimeOptions: { SystemdCgroup: 'true' } };
const artifact = {
  location: 'https://example.test/containerd-shim-spin-v2-linux-x86_64.tar.gz',
  sha256: 'ab12',
};

describe('renderNodeJob', () => {
  it("renders upstream's install Job for a node", () => {
    const job = renderNodeJob({
      operation: 'install',
      node: { name: 'kind-worker' },
      shim,
      artifact,
      settings,
      revision: 'rev-1',
      attempt: 2,
    });
    expect(job.metadata).toEqual({
      name: 'kind-worker-spin-v2-install',
      namespace: 'rcm',
      annotations: {
        'spinkube.dev/nodeName': 'kind-worker',
        'spinkube.dev/shimName': 'spin-v2',
        'spinkube.dev/operation': 'install',
        'runtime.spinkube.dev/revision': 'rev-1',
        'runtime.spinkube.dev/attempt': '2',
      },
      labels: {
        'kind-worker-spin-v2-install': 'true',
        'spinkube.dev/shimName': 'spin-v2',
        'spinkube.dev/operation': 'install',
        'spinkube.dev/job': 'true',
      },
      ownerReferences: [
        {
          apiVersion: 'runtime.spinkube.dev/v1alpha1',
          kind: 'Shim',
          name: 'spin-v2',
          uid: 'uid-1',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    const pod = job.spec?.template.spec;
    expect(pod).toMatchObject({ nodeName: 'kind-worker', hostPID: true, restartPolicy: 'Never' });
    expect(pod?.tolerations).toBeUndefined();
    expect(pod?.volumes).toEqual([
      { name: 'shim-download', emptyDir: {} },
      { name: 'root-mount', hostPath: { path: '/' } },
    ]);
    expect(pod?.initContainers).toEqual([
      {
        name: 'downloader',
        image: settings.downloaderImage,
        securityContext: { privileged: true },
        env: [
          { name: 'SHIM_NAME', value: 'spin-v2' },
          { name: 'SHIM_LOCATION', value: artifact.location },
          { name: 'SHIM_SHA256', value: 'ab12' },
        ],
        volumeMounts: [{ name: 'shim-download', mountPath: '/assets' }],
      },
    ]);
    expect(pod?.containers).toEqual([
      {
        name: 'provisioner',
        image: settings.installerImage,
        args: ['install', '-H', '/mnt/node-root', '-r', 'spin-v2'],
        securityContext: { privileged: true },
        env: [
          { name: 'HOST_ROOT', value: '/mnt/node-root' },
          { name: 'RUNTIME_OPTIONS', value: '{"SystemdCgroup":"true"}' },
        ],
        volumeMounts: [
          { name: 'root-mount', mountPath: '/mnt/node-root' },
          { name: 'shim-download', mountPath: '/assets' },
        ],
      },
    ]);
    expect(job.spec?.ttlSecondsAfterFinished).toBeUndefined();
    // Retries are the manager's: the first failed pod fails the Job.
    expect(job.spec?.backoffLimit).toBe(0);
  });

  it('renders an uninstall Job without owner or downloader, and sets the TTL and the downloader ConfigMap when given', () => {
    const uninstall = renderNodeJob({ operation: 'uninstall', node: { name: 'n1' }, shim, settings });
    expect(uninstall.metadata?.ownerReferences).toBeUndefined();
    expect(uninstall.metadata?.annotations?.['runtime.spinkube.dev/attempt']).toBe('1');
    expect(uninstall.metadata?.annotations?.['runtime.spinkube.dev/revision']).toBeUndefined();
    expect(uninstall.spec?.template.spec?.initContainers).toBeUndefined();
    expect(uninstall.spec?.template.spec?.containers[0]?.args).toEqual([
      'uninstall',
      '-H',
      '/mnt/node-root',
      '-r',
      'spin-v2',
    ]);
    const install = renderNodeJob({
      operation: 'install',
      node: { name: 'n1' },
      shim,
      artifact,
      settings: { ...settings, jobTtlSeconds: 300, downloaderConfigMap: 'downloader-config' },
    });
    expect(install.spec?.ttlSecondsAfterFinished).toBe(300);
    expect(install.spec?.template.spec?.initContainers?.[0]?.envFrom).toEqual([
      { configMapRef: { name: 'downloader-config' } },
    ]);
  });

  it("tolerates the node's NoSchedule and NoExecute taints, not its PreferNoSchedule ones", () => {
    const job = renderNodeJob({
      operation: 'install',
      node: {
        name: 'n1',
        taints: [
          { key: 'dedicated', value: 'wasm', effect: 'NoSchedule' },
          { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
          { key: 'soft', value: 'x', effect: 'PreferNoSchedule' },
        ],
      },
      shim,
      artifact,
      settings,
    });
    expect(job.spec?.template.spec?.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'wasm', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    ]);
  });
});

describe('trimK8sName', () => {
  it('cuts at 63 characters and drops what the cut leaves at the end that is not alphanumeric', () => {
    const node = 'a'.repeat(50);
    expect(trimK8sName(`${node}-spin-v2-install`)).toBe(`${node}-spin-v2-inst`);
    expect(trimK8sName(`${'b'.repeat(55)}-spin-v2-install`)).toBe(`${'b'.repeat(55)}-spin-v2`);
    expect(trimK8sName(`${'c'.repeat(62)}--x`)).toBe('c'.repeat(62));
  });
});

describe('resolveArtifact', () => {
  const fetchStrategy = {
    platforms: [
      { os: 'linux' as const, arch: 'aarch64' as const, location: 'arm.tgz', sha256: 'a1' },
      { os: 'linux' as const, arch: 'x86_64' as const, location: 'x86.tgz' },
    ],
    anonHttp: { location: 'any.tgz' },
  };

  it('matches Go and uname spellings of the architecture, and the OS without case', () => {
    expect(resolveArtifact(fetchStrategy, { operatingSystem: 'Linux', architecture: 'amd64' })).toEqual({
      location: 'x86.tgz',
    });
    expect(resolveArtifact(fetchStrategy, { operatingSystem: 'linux', architecture: 'arm64' })).toEqual({
      location: 'arm.tgz',
      sha256: 'a1',
    });
    expect(normalizeArch('ARM')).toBe('armv7l');
  });

  it('falls back to anonHttp, and finds nothing when neither fits', () => {
    expect(resolveArtifact(fetchStrategy, { operatingSystem: 'linux', architecture: 's390x' })).toEqual({
      location: 'any.tgz',
    });
    expect(
      resolveArtifact(
        { platforms: fetchStrategy.platforms },
        { operatingSystem: 'linux', architecture: 's390x' },
      ),
    ).toBeUndefined();
  });
});
