import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  Approval,
  GateRun,
  Pipeline,
  PipelineEnvironment,
  Promotion,
  PromotionPlan,
} from '@promotion-for-backstage/plugin-promotion-common';
import { PromotionApi } from '../api';

export const IMAGE = 'ghcr.io/acme/payments';
export const DIGEST_NEW = `sha256:1111111111aa${'1'.repeat(52)}`;
export const DIGEST_OLD = `sha256:2222222222bb${'2'.repeat(52)}`;

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: { 'promotion.backstage.io/image': IMAGE },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

export const ENTITY_REF = 'component:default/payments';

export function environment(
  name: string,
  digest: string | null,
  extra: Partial<PipelineEnvironment> = {},
): PipelineEnvironment {
  return {
    name,
    artifact: digest ? { image: IMAGE, digest, tag: `${name}-tag` } : null,
    commit: digest
      ? {
          sha: `${name.charAt(0)}${'0'.repeat(39)}`,
          author: `${name}-author`,
          date: new Date(Date.now() - 2 * 3600 * 1000).toISOString(),
        }
      : null,
    activeRequests: [],
    allowedActions: ['promote'],
    ...extra,
  };
}

export function pipeline(...environments: PipelineEnvironment[]): Pipeline {
  return { entityRef: ENTITY_REF, environments };
}

export function promotion(overrides: Partial<Promotion> = {}): Promotion {
  return {
    id: 'p-1',
    kind: 'promotion',
    status: 'approved',
    entityRef: ENTITY_REF,
    sourceEnvironment: 'dev',
    targetEnvironment: 'staging',
    artifact: { image: IMAGE, digest: DIGEST_NEW },
    requestedBy: 'user:default/alice',
    requesterKind: 'user',
    expiresAt: '2030-01-01T00:00:00.000Z',
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

export function approval(overrides: Partial<Approval> = {}): Approval {
  return {
    approver: 'user:default/bob',
    decision: 'approve',
    createdAt: new Date().toISOString(),
    counts: true,
    ...overrides,
  };
}

export function gateRun(overrides: Partial<GateRun> = {}): GateRun {
  return {
    gate: 'source-match',
    status: 'passed',
    message: 'dev runs this build',
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    ...overrides,
  };
}

export const STAGING_DIFF = [
  '--- a/apps/payments/staging/kustomization.yaml',
  '+++ b/apps/payments/staging/kustomization.yaml',
  '@@ -2,4 +2,4 @@',
  ' images:',
  '   - name: ghcr.io/acme/payments',
  `-    digest: ${DIGEST_OLD}`,
  `+    digest: ${DIGEST_NEW}`,
  ' resources:',
  '',
].join('\n');

/** The dry run of promoting dev's build into staging. */
export function plan(overrides: Partial<PromotionPlan> = {}): PromotionPlan {
  return {
    entityRef: ENTITY_REF,
    sourceEnvironment: 'dev',
    targetEnvironment: 'staging',
    artifact: { image: IMAGE, digest: DIGEST_NEW },
    gateRuns: [gateRun()],
    approvalsRequired: 0,
    allowSelfApproval: false,
    supersedes: [],
    delivery: 'commit',
    changes: [
      {
        repository: 'deployments',
        path: 'apps/payments/staging/kustomization.yaml',
        diff: STAGING_DIFF,
      },
    ],
    ...overrides,
  };
}

/** A PromotionApi whose every method is a jest mock, to be given behaviour per test. */
export function mockPromotionApi(): jest.Mocked<PromotionApi> {
  return {
    getOverview: jest.fn(),
    getDoraMetrics: jest.fn(),
    getPipeline: jest.fn(),
    createPromotion: jest.fn(),
    planPromotion: jest.fn(),
    getPromotion: jest.fn(),
    listPromotions: jest.fn(),
    cancelPromotion: jest.fn(),
    rerunGates: jest.fn(),
    decide: jest.fn(),
    bypass: jest.fn(),
    // What the tab's history and audit cards read, answered as an empty
    // environment and an empty, intact chain unless a test says otherwise.
    getHistory: jest.fn(async (ref, name) => ({
      entityRef: typeof ref === 'string' ? ref : ENTITY_REF,
      environment: name,
      versions: [],
    })),
    listAuditRecords: jest.fn(async () => ({ items: [] })),
    verifyAudit: jest.fn(async () => ({
      ok: true,
      checked: 0,
      headSeq: 0,
      headHash: '0'.repeat(64),
    })),
    planRollback: jest.fn(),
    requestRollback: jest.fn(),
    releaseHold: jest.fn(),
    syncEnvironment: jest.fn(),
  };
}

/** The error the client throws for a backend error response. */
export async function responseError(
  status: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        request: { method: 'GET', url: '/' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}
