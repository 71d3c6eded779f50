/**
 * Flux and Kubernetes objects as a cluster's API answers them (trimmed of
 * managedFields), for tests of the Flux deployment source.
 */

export const APPLIED = 'main@sha1:4f9c2e7d1b8a6f3e5c0d9b7a2e4f6c8d1b3a5e7f';
export const NEWER = 'main@sha1:9a1b7c3d5e2f4a6b8c0d1e3f5a7b9c2d4e6f8a0b';
export const DIGEST =
  'sha256:2f7d4c1e9b8a3f6e5d0c7b9a1e4f2d8c6b3a5e7f9d1c0b2a4e6f8d3c5b7a9e1f';

interface ConditionFixture {
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  at?: string;
}

/** A Kustomization (`kustomize.toolkit.fluxcd.io/v1`) as kustomize-controller leaves it. */
export function fluxKustomization(
  name: string,
  options: {
    namespace?: string;
    ready?: ConditionFixture | null;
    /** Adds Flux's `Reconciling` condition, as while a revision is applied. */
    reconciling?: string;
    applied?: string;
    attempted?: string;
    suspend?: boolean;
    generation?: number;
    observedGeneration?: number;
  } = {},
) {
  const {
    namespace = 'flux-system',
    applied = APPLIED,
    attempted = applied,
    generation = 4,
    observedGeneration = generation,
  } = options;
  const ready =
    options.ready === undefined
      ? {
          status: 'True' as const,
          reason: 'ReconciliationSucceeded',
          message: `Applied revision: ${applied}`,
        }
      : options.ready;
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: {
      name,
      namespace,
      uid: '6a0c9e1f-3b7d-4e52-9f1a-8c2d4b6e0f13',
      resourceVersion: '48213377',
      generation,
      creationTimestamp: '2026-09-14T08:12:45Z',
      finalizers: ['finalizers.fluxcd.io'],
      labels: {
        'kustomize.toolkit.fluxcd.io/name': 'flux-system',
        'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
      },
    },
    spec: {
      interval: '5m0s',
      retryInterval: '1m0s',
      timeout: '3m0s',
      path: './clusters/prod/payments',
      prune: true,
      wait: true,
      force: false,
      targetNamespace: 'payments',
      sourceRef: { kind: 'GitRepository', name: 'gitops' },
      ...(options.suspend !== undefined ? { suspend: options.suspend } : {}),
    },
    status: {
      observedGeneration,
      conditions: [
        ...(options.reconciling
          ? [
              {
                type: 'Reconciling',
                status: 'True',
                reason: 'Progressing',
                message: options.reconciling,
                lastTransitionTime: '2026-12-01T10:01:58Z',
                observedGeneration,
              },
            ]
          : []),
        ...(ready
          ? [
              {
                type: 'Ready',
                status: ready.status,
                reason: ready.reason,
                message: ready.message,
                lastTransitionTime: ready.at ?? '2026-12-01T10:02:11Z',
                observedGeneration,
              },
            ]
          : []),
        {
          type: 'Healthy',
          status: ready?.status ?? 'Unknown',
          reason: ready?.status === 'True' ? 'Succeeded' : 'Progressing',
          message:
            ready?.status === 'True'
              ? 'Health check passed in 20.31s'
              : 'Running health checks',
          lastTransitionTime: '2026-12-01T10:02:11Z',
          observedGeneration,
        },
      ],
      inventory: {
        entries: [
          { id: 'payments_payments__Service', v: 'v1' },
          { id: 'payments_payments_apps_Deployment', v: 'v1' },
          { id: 'payments_payments-worker_apps_Deployment', v: 'v1' },
        ],
      },
      lastAppliedRevision: applied,
      lastAttemptedRevision: attempted,
      lastHandledReconcileAt: '2026-11-30T16:40:02.118Z',
    },
  };
}

interface HelmSnapshotFixture {
  chartVersion: string;
  status: 'deployed' | 'superseded' | 'failed' | 'pending-upgrade';
  version: number;
  configDigest?: string;
  /** Set for a chart pulled from an OCI repository. */
  ociDigest?: string;
  lastDeployed?: string;
}

const CONFIG_DIGEST =
  'sha256:c4e1a7f3d9b2058e6a1c3f5d7b9e0a2c4e6f8a1b3d5c7e9f0a2b4c6d8e0f1a3b';

/** A HelmRelease (`helm.toolkit.fluxcd.io/v2`) as helm-controller leaves it. */
export function fluxHelmRelease(
  name: string,
  options: {
    namespace?: string;
    ready?: ConditionFixture;
    history?: HelmSnapshotFixture[];
    attempted?: string;
    attemptedConfigDigest?: string;
  } = {},
) {
  const { namespace = 'payments' } = options;
  const history = options.history ?? [
    { chartVersion: '1.4.2', status: 'deployed', version: 5 },
    {
      chartVersion: '1.4.1',
      status: 'superseded',
      version: 4,
      lastDeployed: '2026-11-20T09:00:00Z',
    },
  ];
  const ready = options.ready ?? {
    status: 'True',
    reason: 'UpgradeSucceeded',
    message: `Helm upgrade succeeded for release payments/payments.v5 with chart payments@1.4.2`,
    at: '2026-12-01T10:02:40Z',
  };
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: {
      name,
      namespace,
      uid: 'b81f2c4d-7e9a-4b3c-8d1e-5f6a7b8c9d0e',
      resourceVersion: '48219022',
      generation: 7,
      creationTimestamp: '2026-09-14T08:12:45Z',
      finalizers: ['finalizers.fluxcd.io'],
    },
    spec: {
      interval: '10m',
      releaseName: 'payments',
      chart: {
        spec: {
          chart: 'payments',
          version: '1.4.x',
          reconcileStrategy: 'ChartVersion',
          sourceRef: {
            kind: 'HelmRepository',
            name: 'acme',
            namespace: 'flux-system',
          },
        },
      },
      install: { remediation: { retries: 3 } },
      upgrade: { remediation: { retries: 3, remediateLastFailure: true } },
      values: {
        image: { repository: 'ghcr.io/acme/payments', digest: DIGEST },
      },
    },
    status: {
      observedGeneration: 7,
      conditions: [
        {
          type: 'Ready',
          status: ready.status,
          reason: ready.reason,
          message: ready.message,
          lastTransitionTime: ready.at ?? '2026-12-01T10:02:40Z',
          observedGeneration: 7,
        },
        {
          type: 'Released',
          status: ready.status === 'Unknown' ? 'Unknown' : ready.status,
          reason: ready.reason,
          message: ready.message,
          lastTransitionTime: ready.at ?? '2026-12-01T10:02:40Z',
          observedGeneration: 7,
        },
      ],
      helmChart: `flux-system/${namespace}-${name}`,
      history: history.map(snapshot => ({
        name: 'payments',
        namespace: 'payments',
        version: snapshot.version,
        status: snapshot.status,
        chartName: 'payments',
        chartVersion: snapshot.chartVersion,
        appVersion: snapshot.chartVersion,
        configDigest: snapshot.configDigest ?? CONFIG_DIGEST,
        digest: `sha256:${String(snapshot.version).repeat(64).slice(0, 64)}`,
        firstDeployed: '2026-09-14T08:13:02Z',
        lastDeployed: snapshot.lastDeployed ?? '2026-12-01T10:02:31Z',
        ...(snapshot.ociDigest ? { ociDigest: snapshot.ociDigest } : {}),
      })),
      lastAttemptedConfigDigest: options.attemptedConfigDigest ?? CONFIG_DIGEST,
      lastAttemptedGeneration: 7,
      lastAttemptedReleaseAction: 'upgrade',
      lastAttemptedRevision: options.attempted ?? history[0].chartVersion,
      storageNamespace: 'payments',
    },
  };
}

/** A DeploymentList (`apps/v1`) of Deployments with the given containers' images. */
export function deploymentList(
  labels: Record<string, string>,
  deployments: Array<{ name: string; images: string[] }>,
) {
  return {
    kind: 'DeploymentList',
    apiVersion: 'apps/v1',
    metadata: { resourceVersion: '48213402' },
    // Items of a list carry no kind or apiVersion of their own.
    items: deployments.map(({ name, images }) => ({
      metadata: {
        name,
        namespace: 'payments',
        uid: `0f3e1c2b-${name.length}a4d-4c1b-9e2f-7a8b9c0d1e2f`,
        resourceVersion: '48213399',
        generation: 12,
        creationTimestamp: '2026-09-14T08:13:01Z',
        labels: { 'app.kubernetes.io/name': name, ...labels },
        annotations: { 'deployment.kubernetes.io/revision': '12' },
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
        },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': name } },
          spec: {
            serviceAccountName: name,
            containers: images.map((image, index) => ({
              name: index === 0 ? name : `sidecar-${index}`,
              image,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 8080 + index, protocol: 'TCP' }],
              resources: { requests: { cpu: '100m', memory: '128Mi' } },
            })),
          },
        },
      },
      status: {
        observedGeneration: 12,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
            lastUpdateTime: '2026-12-01T10:02:30Z',
            lastTransitionTime: '2026-12-01T10:02:30Z',
          },
        ],
      },
    })),
  };
}

/** A Kubernetes `Status` error body, as the API server answers a failure. */
export function kubernetesStatus(
  code: number,
  reason: string,
  message: string,
  details?: { name: string; group: string; kind: string },
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}
