import { DeploymentStatus } from '@promotion-for-backstage/plugin-promotion-common';
import { DIGEST_NEW, IMAGE } from './fixtures';

export const ARGO_URL = 'https://argocd.test/applications/argocd/payments-prod';
/** What prod runs according to Argo CD: the new build, by tag and digest. */
export const RUNNING_IMAGE = `${IMAGE}:1.2.0@${DIGEST_NEW}`;

const MINUTE = 60 * 1000;

/** An ISO time some minutes before now. */
export function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * MINUTE).toISOString();
}

/** Prod's manual-sync Argo CD Application, synced and healthy. */
export function deployment(
  overrides: Partial<DeploymentStatus> = {},
): DeploymentStatus {
  return {
    source: 'argocd',
    resource: 'payments-prod',
    url: ARGO_URL,
    sync: 'synced',
    health: 'healthy',
    revision: 'abcdef1234567890abcdef1234567890abcdef12',
    images: [RUNNING_IMAGE],
    lastSyncedAt: minutesAgo(5),
    healthySince: minutesAgo(3),
    manualSync: true,
    ...overrides,
  };
}
