import { Approval } from '@promotion-for-backstage/plugin-promotion-common';
import { approvalProgress } from './approvalProgress';

const decision = (overrides: Partial<Approval>): Approval => ({
  approver: 'user:default/bob',
  decision: 'approve',
  createdAt: '2024-05-01T10:00:00.000Z',
  counts: true,
  ...overrides,
});

describe('approvalProgress', () => {
  it('is undefined when the target needs no approval', () => {
    expect(approvalProgress({ approvalsRequired: 0 })).toBeUndefined();
    expect(approvalProgress({})).toBeUndefined();
  });

  it('counts only approvals that count toward the rule', () => {
    expect(
      approvalProgress({
        approvalsRequired: 2,
        approvals: [
          decision({ approver: 'user:default/bob' }),
          decision({ approver: 'user:default/alice', counts: false }),
          decision({ approver: 'user:default/carol', decision: 'reject' }),
        ],
      }),
    ).toEqual({ given: 1, required: 2 });
  });

  it('starts at none given', () => {
    expect(approvalProgress({ approvalsRequired: 1 })).toEqual({
      given: 0,
      required: 1,
    });
  });
});
