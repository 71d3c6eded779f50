import { ServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { Entity } from '@backstage/catalog-model';
import { promotionPlugin } from '../plugin';

/** A component with the promotion image annotation, `ghcr.io/acme/<name>`. */
export const componentEntity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'promotion.backstage.io/image': `ghcr.io/acme/${name}` },
  },
  spec: { owner: 'group:default/team-a' },
});

/** The three-step pipeline most router tests promote through. */
export const DEV_STAGING_PROD: JsonObject[] = [
  { name: 'dev' },
  { name: 'staging' },
  { name: 'prod' },
];

/**
 * Starts the promotion plugin on a loopback port against a test repository,
 * with the permission, catalog and auditor services the test brings, and
 * answers its HTTP server for supertest.
 */
export async function startPromotionBackend(options: {
  repoUrl: string;
  workingDirectory: string;
  services: ServiceFactory[];
  environments?: JsonObject[];
  ciSubjects?: string[];
  /** More `promotion` settings, e.g. `argocd`. */
  promotion?: JsonObject;
  /** More top-level config, e.g. `kubernetes`. */
  config?: JsonObject;
}) {
  const { server } = await startTestBackend({
    features: [
      promotionPlugin,
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          app: { baseUrl: 'http://localhost:3000' },
          backend: { workingDirectory: options.workingDirectory },
          // Environments that need approvals refuse to run without it.
          permission: { enabled: true },
          promotion: {
            environments: options.environments ?? DEV_STAGING_PROD,
            ci: { subjects: options.ciSubjects ?? ['external:ci'] },
            gitops: {
              repositories: [{ id: 'platform', url: options.repoUrl }],
              defaults: {
                path: 'apps/{{ entity.metadata.name }}/{{ environment }}/kustomization.yaml',
              },
            },
            ...options.promotion,
          },
        },
      }),
      ...options.services,
    ],
  });
  return server;
}

/** The `Authorization` header of a service calling on its own behalf, as CI does. */
export const asService = (subject: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
    targetPluginId: 'promotion',
  });
