import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import { EnvironmentConfig } from '../config';
import { PromotionNotifier } from './PromotionNotifier';

const ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default' },
  spec: {},
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/team-payments' },
    { type: 'partOf', targetRef: 'system:default/checkout' },
  ],
};

function promotion(overrides: Partial<Promotion> = {}): Promotion {
  return {
    id: '6f1c1f5e-2b59-4b8e-9d35-1f1f0c3c9a11',
    entityRef: 'component:default/payments',
    sourceEnvironment: 'staging',
    targetEnvironment: 'prod',
    artifact: {
      image: 'ghcr.io/acme/payments',
      tag: '1.4.0',
      digest: `sha256:${'b'.repeat(64)}`,
    },
    status: 'awaiting-approval',
    requestedBy: 'user:default/riley',
    requesterKind: 'user',
    createdAt: '2030-01-07T10:00:00.000Z',
    updatedAt: '2030-01-07T10:00:00.000Z',
    expiresAt: '2030-01-10T10:00:00.000Z',
    ...overrides,
  } as Promotion;
}

const environment = (
  approval?: Partial<NonNullable<EnvironmentConfig['approval']>>,
) =>
  ({
    name: 'prod',
    gates: [],
    windows: [],
    ...(approval ? { approval: { required: 1, ...approval } } : {}),
  } as unknown as EnvironmentConfig);

describe('PromotionNotifier', () => {
  let sent: Parameters<NotificationService['send']>[0][];
  let notifier: PromotionNotifier;

  beforeEach(() => {
    sent = [];
    notifier = new PromotionNotifier({
      notifications: { send: async n => void sent.push(n) },
      logger: mockServices.logger.mock(),
      appBaseUrl: 'http://backstage.test',
    });
  });

  it("asks the entity's owners for approval by default, never the requester, with a link to the tab", async () => {
    await notifier.approvalWanted(promotion(), ENTITY, environment());
    expect(sent).toHaveLength(1);
    expect(sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: ['group:default/team-payments'],
      excludeEntityRef: 'user:default/riley',
    });
    expect(sent[0].payload).toEqual(
      expect.objectContaining({
        title: 'Approval wanted: payments to prod',
        link: 'http://backstage.test/catalog/default/component/payments/promotion',
        topic: 'promotion',
      }),
    );
  });

  it('asks the approval.notify entities instead when set, still excluding the requester listed there', async () => {
    await notifier.approvalWanted(
      promotion(),
      ENTITY,
      environment({
        notify: ['group:default/release-managers', 'user:default/riley'],
      }),
    );
    expect(sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: ['group:default/release-managers', 'user:default/riley'],
      excludeEntityRef: 'user:default/riley',
    });
  });

  it('tells the approvers of a bypass after the fact, not the person who bypassed', async () => {
    await notifier.bypassed(
      promotion({
        status: 'approved',
        bypass: {
          by: 'user:default/morgan',
          reason: 'checkout is down',
          skipped: ['approvals'],
        },
      }),
      ENTITY,
      environment(),
    );
    expect(sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: ['group:default/team-payments'],
      excludeEntityRef: 'user:default/morgan',
    });
    expect(sent[0].payload).toEqual(
      expect.objectContaining({
        severity: 'critical',
        title: 'Emergency bypass: payments to prod',
      }),
    );
  });

  it.each([
    ['succeeded', 'Promotion into prod succeeded', 'normal'],
    ['failed', 'Promotion into prod failed', 'high'],
    ['rejected', 'Promotion into prod was rejected', 'high'],
    ['expired', 'Promotion into prod expired', 'high'],
    ['cancelled', 'Promotion into prod was cancelled', 'high'],
    [
      'superseded',
      'Promotion into prod was superseded by a newer request',
      'high',
    ],
  ] as const)(
    'tells the requester that the request %s',
    async (status, title, severity) => {
      await notifier.outcome(promotion({ status }));
      expect(sent).toEqual([
        {
          recipients: { type: 'entity', entityRef: ['user:default/riley'] },
          payload: expect.objectContaining({ title, severity }),
        },
      ]);
    },
  );

  it("gives the requester a failure's reason", async () => {
    await notifier.outcome(
      promotion({ status: 'failed', error: 'push refused' }),
    );
    expect(sent[0].payload.description).toContain('push refused');
  });

  it('says nothing to service or scheduler requesters, nor about states that are not outcomes', async () => {
    await notifier.outcome(
      promotion({
        status: 'succeeded',
        requesterKind: 'service',
        requestedBy: 'external:ci',
      }),
    );
    await notifier.outcome(
      promotion({
        status: 'succeeded',
        requesterKind: 'scheduler',
        requestedBy: 'plugin:promotion',
      }),
    );
    await notifier.outcome(promotion({ status: 'gating' }));
    expect(sent).toEqual([]);
  });

  it('never fails the promotion when the notifications service does', async () => {
    const logger = mockServices.logger.mock();
    const failing = new PromotionNotifier({
      notifications: {
        send: async () => {
          throw new Error('notifications backend is down');
        },
      },
      logger,
      appBaseUrl: 'http://backstage.test',
    });
    await expect(
      failing.outcome(promotion({ status: 'succeeded' })),
    ).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('notifications backend is down'),
    );
  });
});
