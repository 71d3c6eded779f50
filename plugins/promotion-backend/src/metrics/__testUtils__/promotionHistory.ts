import { Knex } from 'knex';
import { PromotionKind } from '@promotion-for-backstage/plugin-promotion-common';
import { KnexPromotionStore } from '../../database';

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;

/** What became of a request: it landed, failed before landing, or landed and then failed its deployment. */
export type Outcome = 'landed' | 'failed' | 'landed-then-failed';

export interface Change {
  entity: string;
  environment: string;
  /** The build; a sha256 digest is made of it. */
  build: string;
  kind?: PromotionKind;
  /** When it was requested, and when each outcome was recorded, from `t0` in ms. */
  requestedAt: number;
  outcomes: Array<{ at: number; outcome: 'landed' | 'failed' }>;
}

export const digestOf = (build: string) =>
  `sha256:${Buffer.from(build).toString('hex').padEnd(64, '0').slice(0, 64)}`;

/**
 * Writes requests and their outcomes through the plugin's own store, on a
 * clock the history sets, so the audit chain and the requests are as the
 * workflow leaves them.
 */
export async function writeHistory(knex: Knex, t0: Date, changes: Change[]) {
  let now = t0;
  const store = new KnexPromotionStore(knex, () => now);
  const at = (offset: number) => new Date(t0.getTime() + offset);
  for (const step of changes) {
    now = at(step.requestedAt);
    const kind = step.kind ?? 'promotion';
    const entityRef = `component:default/${step.entity}`;
    const created = await store.createPromotion(
      {
        entityRef,
        sourceEnvironment: 'dev',
        targetEnvironment: step.environment,
        artifact: {
          image: `ghcr.io/acme/${step.entity}`,
          digest: digestOf(step.build),
        },
        requestedBy: 'user:default/riley',
        requesterKind: 'user',
        expiresAt: new Date('2100-01-01T00:00:00Z'),
        kind,
      },
      { action: 'promotion.requested', actor: 'user:default/riley' },
    );
    let status: 'gating' | 'succeeded' = 'gating';
    const landedAction =
      kind === 'rollback' ? 'promotion.rolled-back' : 'promotion.executed';
    for (const outcome of step.outcomes) {
      now = at(outcome.at);
      const landed = outcome.outcome === 'landed';
      await store.transition(
        created.id,
        [status],
        landed ? 'succeeded' : 'failed',
        // Nothing left for the scheduler to look at.
        { nextEvaluationAt: null },
        {
          action: landed ? landedAction : 'promotion.failed',
          actor: 'plugin:promotion',
        },
      );
      status = 'succeeded';
    }
  }
}

/** A change with one outcome, or a landing followed by a failure. */
export function change(
  entity: string,
  environment: string,
  build: string,
  requestedAt: number,
  outcome: Outcome,
  outcomeAt: number,
  options: { kind?: PromotionKind; failedAt?: number } = {},
): Change {
  const outcomes: Change['outcomes'] =
    outcome === 'landed-then-failed'
      ? [
          { at: outcomeAt, outcome: 'landed' },
          { at: options.failedAt ?? outcomeAt + HOUR, outcome: 'failed' },
        ]
      : [{ at: outcomeAt, outcome }];
  return {
    entity,
    environment,
    build,
    kind: options.kind,
    requestedAt,
    outcomes,
  };
}
