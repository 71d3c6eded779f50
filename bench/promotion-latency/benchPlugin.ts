import path from 'node:path';
import knexFactory from 'knex';
import { ConfigReader } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_PROMOTION_IMAGE } from '@promotion-for-backstage/plugin-promotion-common';
import {
  PromotionConfig,
  readPromotionConfig,
} from '../../plugins/promotion-backend/src/config';
import { KnexPromotionStore } from '../../plugins/promotion-backend/src/database';
import { imageOf } from './gitopsRepository';

/** The catalog entity of a generated app, annotated with its image. */
export function entityOf(app: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: app,
      namespace: 'default',
      annotations: { [ANNOTATION_PROMOTION_IMAGE]: imageOf(app) },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/shop',
    },
  };
}

/** What the plugin warned of during a run: a failed sample names it. */
export const warnings: string[] = [];

/** A logger that keeps warnings and errors and drops the rest. */
export const logger: LoggerService = {
  debug() {},
  info() {},
  warn: (message: string) => void warnings.push(message),
  error: (message: string) => void warnings.push(message),
  child: () => logger,
} as unknown as LoggerService;

const MIGRATIONS_DIR = path.resolve(
  __dirname,
  '../../plugins/promotion-backend/migrations',
);

/** `dev → staging → prod` in the generated repository, on the default path template. */
export function benchConfig(repositoryUrl: string): PromotionConfig {
  return readPromotionConfig(
    new ConfigReader({
      promotion: {
        environments: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }],
        gitops: {
          repositories: [
            { id: 'platform', url: repositoryUrl, branch: 'main' },
          ],
        },
      },
    }),
  );
}

/** The plugin's store on SQLite in memory, migrated; `knex` to close it. */
export async function memoryStore() {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  await knex.migrate.latest({ directory: MIGRATIONS_DIR });
  return { knex, store: new KnexPromotionStore(knex) };
}
