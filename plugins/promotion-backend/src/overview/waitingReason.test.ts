import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import { waitingReason } from './waitingReason';

const request = (overrides: Partial<Promotion>): Promotion => ({
  id: 'p-1',
  kind: 'promotion',
  entityRef: 'component:default/payments',
  sourceEnvironment: 'staging',
  targetEnvironment: 'prod',
  artifact: { image: 'ghcr.io/acme/payments', tag: '1.0.0' },
  status: 'gating',
  requestedBy: 'user:default/alice',
  requesterKind: 'user',
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  expiresAt: '2026-12-04T10:00:00.000Z',
  ...overrides,
});

const run = (
  gate: string,
  status: 'passed' | 'failed' | 'pending' | 'warning',
  extra: { retryAt?: string } = {},
) => ({
  gate,
  status,
  message: `${gate} is ${status}`,
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:00:01.000Z',
  ...extra,
});

describe('waitingReason', () => {
  it('names a failed gate before a waiting one, and never a warning', () => {
    expect(
      waitingReason(
        request({
          gateRuns: [
            run('version', 'warning'),
            run('soak', 'pending', { retryAt: '2026-12-01T12:00:00.000Z' }),
            run('scanner', 'failed'),
          ],
        }),
      ),
    ).toEqual({
      reason: 'gate',
      gate: 'scanner',
      status: 'failed',
      message: 'scanner is failed',
    });
  });

  it('names a waiting gate with when it may pass', () => {
    expect(
      waitingReason(
        request({
          gateRuns: [
            run('version', 'warning'),
            run('soak', 'pending', { retryAt: '2026-12-01T12:00:00.000Z' }),
          ],
        }),
      ),
    ).toEqual({
      reason: 'gate',
      gate: 'soak',
      status: 'pending',
      message: 'soak is pending',
      retryAt: '2026-12-01T12:00:00.000Z',
    });
  });

  it('says gates are being evaluated while none holds the request', () => {
    expect(waitingReason(request({ gateRuns: [] }))).toEqual({
      reason: 'gates',
    });
    expect(
      waitingReason(request({ gateRuns: [run('soak', 'passed')] })),
    ).toEqual({ reason: 'gates' });
  });

  it('counts only the approvals that count toward the rule', () => {
    expect(
      waitingReason(
        request({
          status: 'awaiting-approval',
          approvalsRequired: 2,
          approvals: [
            {
              approver: 'user:default/alice',
              decision: 'approve',
              createdAt: '2026-12-01T10:00:00.000Z',
              counts: false,
            },
            {
              approver: 'user:default/bob',
              decision: 'approve',
              createdAt: '2026-12-01T10:00:00.000Z',
              counts: true,
            },
          ],
        }),
      ),
    ).toEqual({ reason: 'approval', given: 1, required: 2 });
  });

  it('points at the pull request that waits to be merged', () => {
    expect(
      waitingReason(
        request({
          status: 'awaiting-merge',
          pullRequest: {
            url: 'https://github.com/acme/gitops/pull/7',
            number: 7,
            provider: 'github',
          },
        }),
      ),
    ).toEqual({
      reason: 'merge',
      pullRequest: { url: 'https://github.com/acme/gitops/pull/7', number: 7 },
    });
  });

  it('says an approved request is being written', () => {
    expect(waitingReason(request({ status: 'approved' }))).toEqual({
      reason: 'executing',
    });
    expect(waitingReason(request({ status: 'executing' }))).toEqual({
      reason: 'executing',
    });
  });
});
