import {
  EnvironmentHistory,
  EnvironmentVersion,
  Promotion,
  RollbackPlan,
} from '@promotion-for-backstage/plugin-promotion-common';
import {
  DIGEST_NEW,
  DIGEST_OLD,
  ENTITY_REF,
  IMAGE,
  promotion,
} from './fixtures';

export const DIGEST_OLDEST = `sha256:3333333333cc${'3'.repeat(52)}`;

const HOUR = 3600 * 1000;

export function version(
  tag: string,
  digest: string | undefined,
  author: string,
  hoursAgo: number,
): EnvironmentVersion {
  return {
    artifact: { image: IMAGE, tag, ...(digest ? { digest } : {}) },
    commit: {
      sha: `${tag.replace(/\D/g, '')}${'f'.repeat(40)}`.slice(0, 40),
      author,
      date: new Date(Date.now() - hoursAgo * HOUR).toISOString(),
    },
  };
}

/** What staging ran, newest first: 1.2.0 runs now, 1.1.0 and 1.0.0 before it. */
export const CURRENT = version('1.2.0', DIGEST_NEW, 'user:default/bob', 3);
export const PREVIOUS = version('1.1.0', DIGEST_OLD, 'user:default/alice', 48);
export const OLDEST = version('1.0.0', DIGEST_OLDEST, 'Jane Doe', 24 * 10);

export function history(
  versions: EnvironmentVersion[] = [CURRENT, PREVIOUS, OLDEST],
): EnvironmentHistory {
  return { entityRef: ENTITY_REF, environment: 'staging', versions };
}

export const ROLLBACK_DIFF = [
  '--- a/apps/payments/staging/kustomization.yaml',
  '+++ b/apps/payments/staging/kustomization.yaml',
  '@@ -2,4 +2,4 @@',
  ' images:',
  '   - name: ghcr.io/acme/payments',
  `-    digest: ${DIGEST_NEW}`,
  `+    digest: ${DIGEST_OLD}`,
  ' resources:',
  '',
].join('\n');

/** The dry run of setting staging back from 1.2.0 to 1.1.0. */
export function rollbackPlan(
  overrides: Partial<RollbackPlan> = {},
  impact: Partial<RollbackPlan['impact']> = {},
): RollbackPlan {
  return {
    entityRef: ENTITY_REF,
    environment: 'staging',
    artifact: PREVIOUS.artifact,
    impact: {
      current: CURRENT.artifact,
      target: PREVIOUS,
      backedOut: [CURRENT],
      commitsBetween: 1,
      downstream: [],
      recommendation: 'safe',
      reasons: ['Goes back one build, to 1.1.0, pinned 2 day(s) ago'],
      ...impact,
    },
    gateRuns: [],
    approvalsRequired: 0,
    allowSelfApproval: false,
    supersedes: [],
    delivery: 'commit',
    changes: [
      {
        repository: 'deployments',
        path: 'apps/payments/staging/kustomization.yaml',
        diff: ROLLBACK_DIFF,
      },
    ],
    ...overrides,
  };
}

/** A rollback request of staging, as the backend answers it. */
export function rollback(
  overrides: Partial<Promotion> = {},
): Promotion & { impact: RollbackPlan['impact'] } {
  return {
    ...promotion({
      id: 'r-1',
      kind: 'rollback',
      status: 'awaiting-approval',
      sourceEnvironment: 'staging',
      targetEnvironment: 'staging',
      artifact: PREVIOUS.artifact,
      reason: 'errors since 1.2.0 went out',
      ...overrides,
    }),
    impact: rollbackPlan().impact,
  };
}
