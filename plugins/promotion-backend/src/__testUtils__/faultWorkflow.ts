import { Entity } from '@backstage/catalog-model';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { promotionConfigSchema } from '../config/schema';
import { PromotionStore } from '../database';
import { AuditLog } from '../audit';
import { builtInGateFactories, GateRunner } from '../gates';
import { GitOpsService } from '../gitops';
import { PullRequestProviderFactory } from '../gitops/providers';
import { PromotionWorkflow } from '../workflow/PromotionWorkflow';
import { digestOf, kustomization } from './testRepository';

/**
 * What the fault tests share: entities annotated for promotion, a pipeline
 * of staging → prod whose manifests live in one test repository, and a
 * workflow built the way the plugin builds it, over whatever store, mirror
 * folder and remote the test (or a child process) brings.
 */

export const faultImage = (name: string) => `ghcr.io/acme/${name}`;

export const faultEntity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'promotion.backstage.io/image': faultImage(name) },
  },
  spec: {},
});

/** The manifests of the apps: staging runs 1.1.0 (digest b), prod still 1.0.0 (digest a). */
export function faultManifests(names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.flatMap(name => [
      [
        `apps/${name}/staging/kustomization.yaml`,
        kustomization(faultImage(name), '1.1.0', digestOf('b')),
      ],
      [
        `apps/${name}/prod/kustomization.yaml`,
        kustomization(faultImage(name), '1.0.0', digestOf('a')),
      ],
    ]),
  );
}

/** Messages go to stderr, where a child process's output can be read when it misbehaves. */
const stderrLogger: LoggerService = {
  error: message => void process.stderr.write(`error: ${message}\n`),
  warn: message => void process.stderr.write(`warn: ${message}\n`),
  info: () => {},
  debug: () => {},
  child: () => stderrLogger,
};

export interface FaultWorkflowOptions {
  store: PromotionStore;
  repoUrl: string;
  /** The replica's own folder for its git mirror. */
  cacheDir: string;
  instanceId: string;
  now: () => Date;
  leaseMs?: number;
  /** The `prod` environment's settings beyond its name. */
  prod?: Record<string, unknown>;
  names?: string[];
  pullRequests?: PullRequestProviderFactory;
  logger?: LoggerService;
}

export function createFaultWorkflow(options: FaultWorkflowOptions) {
  const names = options.names ?? ['payments'];
  const config = promotionConfigSchema.parse({
    environments: [{ name: 'staging' }, { name: 'prod', ...options.prod }],
    gitops: {
      repositories: [{ id: 'platform', url: options.repoUrl }],
      defaults: {
        path: 'apps/{{ entity.metadata.name }}/{{ environment }}/kustomization.yaml',
      },
    },
  });
  const logger = options.logger ?? stderrLogger;
  const gitops = new GitOpsService({
    config,
    cacheDir: options.cacheDir,
    logger,
    pullRequests: options.pullRequests,
  });
  const entities = new Map(
    names.map(name => [`component:default/${name}`, faultEntity(name)]),
  );
  const workflow = new PromotionWorkflow({
    config,
    store: options.store,
    gitops,
    gates: new GateRunner(builtInGateFactories()),
    logger,
    loadEntity: async ref => entities.get(ref),
    instanceId: options.instanceId,
    leaseMs: options.leaseMs,
    appBaseUrl: 'http://backstage.test',
    permissionsEnabled: true,
    now: options.now,
  });
  return { workflow, gitops };
}

/** Asks for the promotion of `name` from staging into prod, as a signed-in user. */
export async function requestProd(
  workflow: PromotionWorkflow,
  name = 'payments',
  requester = 'user:default/riley',
) {
  const entity = faultEntity(name);
  const resolved = await workflow.resolve(
    entity,
    { entityRef: `component:default/${name}`, targetEnvironment: 'prod' },
    'user',
  );
  return workflow.request(entity, resolved, { ref: requester, kind: 'user' });
}

/** The commits on any branch of the repository whose `Promotion-Id` trailer names the promotion. */
export function commitsCarrying(
  git: (args: string[]) => string,
  promotionId: string,
  ref = 'main',
): string[] {
  return git([
    'log',
    ref,
    '--format=%H%x1f%(trailers:key=Promotion-Id,valueonly)%x1e',
  ])
    .split('\x1e')
    .map(record => record.trim().split('\x1f'))
    .filter(([, trailer]) => trailer?.trim() === promotionId)
    .map(([sha]) => sha);
}

/** The audit records of one promotion, as actions in chain order. */
export async function auditActions(
  knex: Knex,
  promotionId: string,
): Promise<string[]> {
  const { items } = await new AuditLog(knex).list({ promotionId, limit: 500 });
  return items.sort((a, b) => a.seq - b.seq).map(record => record.action);
}
