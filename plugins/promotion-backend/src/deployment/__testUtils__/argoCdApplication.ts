/** A digest that looks like one, for fixtures. */
export const DIGEST = `sha256:${'4f'.repeat(32)}`;
export const OLD_DIGEST = `sha256:${'0a'.repeat(32)}`;

/**
 * An Application as Argo CD 2.x answers `GET /api/v1/applications/{name}`,
 * trimmed to what matters here but shaped like the real thing (a synced,
 * healthy, automated Application whose Deployment runs the build by digest).
 */
export function argoCdApplication(
  name: string,
  overrides: {
    sync?: string;
    health?: string;
    healthMessage?: string;
    healthChangedAt?: string;
    images?: string[];
    revision?: string;
    automated?: boolean;
    operation?: {
      phase: string;
      message?: string;
      startedAt?: string;
      finishedAt?: string;
    };
    rollout?: boolean;
  } = {},
) {
  const revision =
    overrides.revision ?? '8d1f7c4e3b2a19f0e6d5c4b3a2918f7e6d5c4b3a';
  return {
    metadata: {
      name,
      namespace: 'argocd',
      uid: '6c9e1f52-0b6f-4c5e-9b1a-2f0d7c3e8a41',
      resourceVersion: '48213',
      creationTimestamp: '2026-11-02T09:14:27Z',
      labels: { 'app.kubernetes.io/part-of': 'payments' },
    },
    spec: {
      source: {
        repoURL: 'https://github.com/acme/gitops.git',
        path: `apps/payments/overlays/${name.split('-').pop()}`,
        targetRevision: 'main',
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'payments',
      },
      project: 'default',
      syncPolicy:
        overrides.automated === false
          ? { syncOptions: ['CreateNamespace=true'] }
          : {
              automated: { prune: true, selfHeal: true },
              syncOptions: ['CreateNamespace=true'],
            },
    },
    status: {
      resources: [
        {
          version: 'v1',
          kind: 'Service',
          namespace: 'payments',
          name: 'payments',
          status: 'Synced',
          health: { status: 'Healthy' },
        },
        overrides.rollout
          ? {
              group: 'argoproj.io',
              version: 'v1alpha1',
              kind: 'Rollout',
              namespace: 'payments',
              name: 'payments',
              status: 'Synced',
              health: { status: overrides.health ?? 'Healthy' },
            }
          : {
              group: 'apps',
              version: 'v1',
              kind: 'Deployment',
              namespace: 'payments',
              name: 'payments',
              status: 'Synced',
              health: { status: overrides.health ?? 'Healthy' },
            },
      ],
      sync: {
        status: overrides.sync ?? 'Synced',
        comparedTo: {
          source: {
            repoURL: 'https://github.com/acme/gitops.git',
            targetRevision: 'main',
          },
          destination: {
            server: 'https://kubernetes.default.svc',
            namespace: 'payments',
          },
        },
        revision,
      },
      health: {
        status: overrides.health ?? 'Healthy',
        ...(overrides.healthMessage
          ? { message: overrides.healthMessage }
          : {}),
        lastTransitionTime: overrides.healthChangedAt ?? '2026-12-01T10:02:40Z',
      },
      history: [
        {
          revision,
          deployedAt: '2026-12-01T10:02:11Z',
          id: 7,
          source: { repoURL: 'https://github.com/acme/gitops.git' },
        },
      ],
      reconciledAt: '2026-12-01T10:05:00Z',
      operationState: {
        operation: { sync: { revision }, initiatedBy: { automated: true } },
        phase: overrides.operation?.phase ?? 'Succeeded',
        message:
          overrides.operation?.message ?? 'successfully synced (all tasks run)',
        syncResult: { revision },
        startedAt: overrides.operation?.startedAt ?? '2026-12-01T10:02:05Z',
        ...(overrides.operation && !overrides.operation.finishedAt
          ? {}
          : {
              finishedAt:
                overrides.operation?.finishedAt ?? '2026-12-01T10:02:11Z',
            }),
      },
      summary: {
        images: overrides.images ?? [`ghcr.io/acme/payments@${DIGEST}`],
      },
      sourceType: 'Kustomize',
    },
  };
}

/** A Rollout as `GET /api/v1/applications/{name}/resource` answers it: the manifest as a JSON string. */
export function argoRolloutResource(options: {
  step: number;
  phase?: string;
  weight?: number;
  message?: string;
}) {
  return {
    manifest: JSON.stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'payments', namespace: 'payments' },
      spec: {
        replicas: 5,
        strategy: {
          canary: {
            steps: [
              { setWeight: 20 },
              { pause: {} },
              { setWeight: 50 },
              { pause: { duration: '10m' } },
              { setWeight: 80 },
            ],
          },
        },
      },
      status: {
        phase: options.phase ?? 'Paused',
        ...(options.message ? { message: options.message } : {}),
        currentStepIndex: options.step,
        ...(options.weight !== undefined
          ? { canary: { weights: { canary: { weight: options.weight } } } }
          : {}),
        replicas: 5,
        updatedReplicas: 1,
      },
    }),
  };
}
