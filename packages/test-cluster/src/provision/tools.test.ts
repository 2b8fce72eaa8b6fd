import { describe, expect, it } from 'vitest';
import { wrapperGoMod } from './tools.js';

describe('wrapperGoMod', () => {
  const kubernetes = [
    'module k8s.io/kubernetes',
    'replace (',
    '\tk8s.io/api => ./staging/src/k8s.io/api',
    '\tk8s.io/cri-client => ./staging/src/k8s.io/cri-client',
    '\tgithub.com/some/fork => github.com/other/fork v1.2.3',
    ')',
  ].join('\n');
  const etcd = [
    'module go.etcd.io/etcd/server/v3',
    'replace (',
    '\tgo.etcd.io/etcd/api/v3 => ../api',
    '\tgo.etcd.io/etcd/client/v3 => ../client/v3',
    ')',
    'replace go.etcd.io/etcd => ./FORBIDDEN_DEPENDENCY',
  ].join('\n');

  it('requires the release and pins every Kubernetes staging module to its published v0 version', () => {
    const goMod = wrapperGoMod('k8s.io/kubernetes', 'v1.34.3', 'v0.34.3', kubernetes);
    expect(goMod).toContain('require k8s.io/kubernetes v1.34.3');
    expect(goMod).toContain('\tk8s.io/api => k8s.io/api v0.34.3\n');
    expect(goMod).toContain('\tk8s.io/cri-client => k8s.io/cri-client v0.34.3\n');
  });

  it('pins etcd siblings given by ../ paths, and skips its FORBIDDEN_DEPENDENCY guard', () => {
    const goMod = wrapperGoMod('go.etcd.io/etcd/server/v3', 'v3.6.16', 'v3.6.16', etcd);
    expect(goMod).toContain('\tgo.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 v3.6.16\n');
    expect(goMod).toContain('\tgo.etcd.io/etcd/client/v3 => go.etcd.io/etcd/client/v3 v3.6.16\n');
    expect(goMod).not.toContain('FORBIDDEN');
    expect(goMod).not.toMatch(/^\tgo\.etcd\.io\/etcd =>/m);
  });

  it('leaves replacements that point at other modules alone', () => {
    expect(wrapperGoMod('k8s.io/kubernetes', 'v1.34.3', 'v0.34.3', kubernetes)).not.toContain(
      'github.com/some/fork',
    );
  });
});
