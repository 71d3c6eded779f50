import { mockServices } from '@backstage/backend-test-utils';
import {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';
import { AuditEventForwarder } from './AuditEventForwarder';
import type { AuditRecordView } from './AuditLog';
import { AuditAction } from './auditChain';

const record = (
  seq: number,
  action: AuditAction,
  details: Record<string, unknown> = {},
): AuditRecordView => ({
  seq,
  createdAt: '2030-01-01T00:00:00.000Z',
  action,
  actor: 'plugin:promotion',
  promotionId: 'p-1',
  entityRef: 'component:default/payments',
  environment: 'prod',
  details,
  prevHash: String(seq - 1)
    .repeat(64)
    .slice(0, 64),
  hash: String(seq).repeat(64).slice(0, 64),
});

/** An auditor that keeps what it was sent, and refuses events for the seqs in `failing`. */
function recordingAuditor(
  failing: { create?: number[]; success?: number[] } = {},
) {
  const sent: Array<AuditorServiceCreateEventOptions & { status: string }> = [];
  const auditor: AuditorService = {
    async createEvent(options) {
      const seq = options.meta?.seq as number;
      if (failing.create?.includes(seq)) throw new Error('auditor unavailable');
      return {
        async success() {
          if (failing.success?.includes(seq))
            throw new Error('auditor unavailable');
          sent.push({ ...options, status: 'succeeded' });
        },
        async fail() {
          sent.push({ ...options, status: 'failed' });
        },
      };
    },
  };
  return { auditor, sent };
}

describe('AuditEventForwarder', () => {
  it('sends each record as a succeeded event with its seq and hash, in order', async () => {
    const { auditor, sent } = recordingAuditor();
    const forwarder = new AuditEventForwarder({
      auditor,
      logger: mockServices.logger.mock(),
    });
    const executed = record(12, 'promotion.executed', {
      commitSha: 'f00d',
      pullRequest: {
        url: 'https://github.com/acme/platform/pull/7',
        number: 7,
      },
    });
    await forwarder.forward([record(11, 'promotion.executing'), executed]);
    expect(sent).toEqual([
      expect.objectContaining({
        eventId: 'promotion-executing',
        severityLevel: 'low',
        status: 'succeeded',
      }),
      {
        eventId: 'promotion-executed',
        severityLevel: 'medium',
        status: 'succeeded',
        meta: {
          seq: 12,
          hash: executed.hash,
          action: 'promotion.executed',
          actor: 'plugin:promotion',
          promotionId: 'p-1',
          entityRef: 'component:default/payments',
          environment: 'prod',
          createdAt: '2030-01-01T00:00:00.000Z',
          details: {
            commitSha: 'f00d',
            pullRequest: {
              url: 'https://github.com/acme/platform/pull/7',
              number: 7,
            },
          },
        },
      },
    ]);
  });

  it.each<[AuditAction, string, string]>([
    ['promotion.failed', 'promotion-failed', 'high'],
    ['promotion.bypassed', 'promotion-bypassed', 'high'],
    ['promotion.executed', 'promotion-executed', 'medium'],
    ['promotion.approved', 'promotion-approved', 'medium'],
    ['hold.set', 'hold-set', 'medium'],
    ['promotion.requested', 'promotion-requested', 'low'],
    ['promotion.gates-evaluated', 'promotion-gates-evaluated', 'low'],
    ['promotion.superseded', 'promotion-superseded', 'low'],
    ['promotion.expired', 'promotion-expired', 'low'],
  ])(
    'sends %s as %s with severity %s',
    async (action, eventId, severityLevel) => {
      const { auditor, sent } = recordingAuditor();
      await new AuditEventForwarder({
        auditor,
        logger: mockServices.logger.mock(),
      }).forward([record(1, action)]);
      expect(sent).toEqual([
        expect.objectContaining({ eventId, severityLevel }),
      ]);
    },
  );

  it('logs a record the auditor refuses and still sends the ones after it, without throwing', async () => {
    const { auditor, sent } = recordingAuditor({ create: [2], success: [3] });
    const logger = mockServices.logger.mock();
    await expect(
      new AuditEventForwarder({ auditor, logger }).forward([
        record(1, 'promotion.executing'),
        record(2, 'promotion.executed'),
        record(3, 'promotion.failed'),
        record(4, 'promotion.expired'),
      ]),
    ).resolves.toBeUndefined();
    expect(sent.map(e => e.meta?.seq)).toEqual([1, 4]);
    expect(logger.error.mock.calls.map(([message]) => message)).toEqual([
      'Could not send audit record 2 (promotion.executed) to the auditor service; it is in the audit chain',
      'Could not send audit record 3 (promotion.failed) to the auditor service; it is in the audit chain',
    ]);
  });
});
