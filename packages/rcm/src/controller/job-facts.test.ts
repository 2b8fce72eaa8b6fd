import type { V1Job } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { renderNodeJob } from '../shim/node-job.js';
import { jobFacts } from './job-facts.js';

const settings = { namespace: 'rcm', downloaderImage: 'd', installerImage: 'i' };
const render = () =>
  renderNodeJob({
    operation: 'install',
    node: { name: 'n1' },
    shim: { name: 'spin-v2', uid: 'u' },
    artifact: { location: 'https://x.test/a.tar.gz' },
    revision: 'r1',
    attempt: 3,
    settings,
  });
function withStatus(conditions: NonNullable<V1Job['status']>['conditions']): V1Job {
  const job = render();
  if (job.metadata) job.metadata.uid = 'job-uid';
  job.status = { ...(conditions ? { conditions } : {}) };
  return job;
}
const at = new Date('2026-12-08T10:00:00Z');

describe('jobFacts', () => {
  it('reads back what renderNodeJob wrote', () => {
    expect(jobFacts(withStatus([]))).toEqual({
      name: 'n1-spin-v2-install',
      uid: 'job-uid',
      node: 'n1',
      shim: 'spin-v2',
      operation: 'install',
      revision: 'r1',
      attempt: 3,
      phase: 'running',
    });
  });

  it('tells complete from failed (Failed or FailureTarget), with when and why', () => {
    expect(
      jobFacts(withStatus([{ type: 'Complete', status: 'True', lastTransitionTime: at }])),
    ).toMatchObject({ phase: 'complete', finishedAt: at.getTime() });
    expect(
      jobFacts(
        withStatus([
          {
            type: 'FailureTarget',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
            lastTransitionTime: at,
          },
        ]),
      ),
    ).toMatchObject({
      phase: 'failed',
      failure: 'BackoffLimitExceeded: Job has reached the specified backoff limit',
    });
    expect(jobFacts(withStatus([{ type: 'Complete', status: 'False' }]))?.phase).toBe('running');
  });

  it('ignores Jobs that are not node Jobs', () => {
    expect(jobFacts({ metadata: { name: 'other', annotations: {} } })).toBeUndefined();
  });
});
