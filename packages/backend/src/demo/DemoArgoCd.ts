import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The canary the demo plays after a sync of a manual-sync Application. */
const CANARY_STEPS = [
  { setWeight: 25 },
  { pause: { duration: '5s' } },
  { setWeight: 50 },
  { pause: { duration: '5s' } },
];
const STEP_MS = 5_000;

interface Applied {
  revision: string;
  images: string[];
  /** When the demo "applied" it; null for what ran before the backend started. */
  at: Date | null;
  /** Images that ran before, while a canary shifts traffic. */
  previous: string[];
}

/**
 * Stands in for Argo CD in the example app, so that the Promotion tab shows
 * deployed state without a cluster. It answers Argo CD's own API shapes for
 * Applications named `<app>-<environment>` from the demo GitOps repository:
 * an automated Application runs what its overlay pins as soon as it is on the
 * branch; a manual-sync one (`manualSync` environments) keeps running what it
 * ran until someone syncs, and then plays a short Argo Rollouts canary.
 */
export class DemoArgoCd {
  private readonly applied = new Map<string, Applied>();

  constructor(
    private readonly options: {
      /** The bare demo repository. */
      repository: string;
      manualSync: string[];
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Runs git without blocking the backend: the promotion backend asks for
   * several Applications at once while it answers other requests.
   */
  private async git(args: string[]): Promise<string | undefined> {
    try {
      const { stdout } = await execFileAsync('git', [
        '--git-dir',
        this.options.repository,
        ...args,
      ]);
      return stdout;
    } catch {
      return undefined;
    }
  }

  /** What the branch holds for the Application now, or undefined for an unknown one. */
  private async desired(name: string) {
    const { app, environment } = splitApplicationName(name);
    if (!app) return undefined;
    const file = `apps/${app}/overlays/${environment}/kustomization.yaml`;
    const overlay = await this.git(['show', `main:${file}`]);
    if (!overlay) return undefined;
    const image = /- name: (\S+)/.exec(overlay)?.[1];
    const tag = /newTag: "?([^"\s]+)"?/.exec(overlay)?.[1];
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(overlay)?.[1];
    const [revision, committedAt] = (
      (await this.git(['log', '-1', '--format=%H %cI', 'main', '--', file])) ??
      ''
    )
      .trim()
      .split(' ');
    return {
      environment,
      images: image
        ? [`${image}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`]
        : [],
      revision,
      committedAt: new Date(committedAt),
    };
  }

  /** `GET /api/v1/applications/{name}`, or undefined for an unknown one. */
  async application(name: string) {
    return (await this.current(name))?.application;
  }

  /** The Application and, for a manual-sync one, the canary step it is at. */
  private async current(name: string) {
    const desired = await this.desired(name);
    if (!desired) return undefined;
    const manual = this.options.manualSync.includes(desired.environment);
    if (!manual) {
      const application = this.render(name, {
        automated: true,
        sync: 'Synced',
        health: 'Healthy',
        images: desired.images,
        revision: desired.revision,
        syncedAt: desired.committedAt,
      });
      return { application, step: CANARY_STEPS.length };
    }
    // What ran when the backend started counts as synced long ago.
    if (!this.applied.has(name)) {
      this.applied.set(name, {
        revision: desired.revision,
        images: desired.images,
        at: null,
        previous: [],
      });
    }
    const applied = this.applied.get(name)!;
    const step = applied.at
      ? Math.floor((this.now().getTime() - applied.at.getTime()) / STEP_MS)
      : CANARY_STEPS.length;
    const canary = step < CANARY_STEPS.length;
    const application = this.render(name, {
      automated: false,
      sync:
        applied.images.join() === desired.images.join()
          ? 'Synced'
          : 'OutOfSync',
      health: canary ? 'Progressing' : 'Healthy',
      images: canary
        ? [...applied.previous, ...applied.images]
        : applied.images,
      revision: applied.revision,
      syncedAt: applied.at ?? desired.committedAt,
      healthySince:
        applied.at && !canary
          ? new Date(applied.at.getTime() + CANARY_STEPS.length * STEP_MS)
          : undefined,
      rollout: Math.min(step, CANARY_STEPS.length),
    });
    return { application, step: Math.min(step, CANARY_STEPS.length) };
  }

  /** `POST /api/v1/applications/{name}/sync`: applies what the branch holds now. */
  async sync(name: string) {
    const desired = await this.desired(name);
    if (!desired) return undefined;
    const before = this.applied.get(name);
    this.applied.set(name, {
      revision: desired.revision,
      images: desired.images,
      at: this.now(),
      previous:
        before?.images.join() === desired.images.join()
          ? []
          : before?.images ?? [],
    });
    return this.application(name);
  }

  /** `GET /api/v1/applications/{name}/resource` for the Application's Rollout. */
  async rollout(name: string) {
    const current = await this.current(name);
    if (!current) return undefined;
    const step = current.step;
    return {
      manifest: JSON.stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: splitApplicationName(name).app },
        spec: { strategy: { canary: { steps: CANARY_STEPS } } },
        status: {
          phase: step < CANARY_STEPS.length ? 'Progressing' : 'Healthy',
          currentStepIndex: step,
        },
      }),
    };
  }

  private render(
    name: string,
    state: {
      automated: boolean;
      sync: 'Synced' | 'OutOfSync';
      health: 'Healthy' | 'Progressing';
      images: string[];
      revision: string;
      syncedAt: Date;
      healthySince?: Date;
      rollout?: number;
    },
  ) {
    const workload =
      state.rollout === undefined
        ? { group: 'apps', version: 'v1', kind: 'Deployment' }
        : { group: 'argoproj.io', version: 'v1alpha1', kind: 'Rollout' };
    return {
      metadata: { name, namespace: 'argocd' },
      spec: {
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: name,
        },
        syncPolicy: state.automated
          ? { automated: { prune: true, selfHeal: true } }
          : {},
      },
      status: {
        sync: { status: state.sync, revision: state.revision },
        health: {
          status: state.health,
          lastTransitionTime: (
            state.healthySince ?? state.syncedAt
          ).toISOString(),
        },
        operationState: {
          phase: 'Succeeded',
          message: 'successfully synced (all tasks run)',
          finishedAt: state.syncedAt.toISOString(),
        },
        resources: [
          {
            ...workload,
            namespace: name,
            name: splitApplicationName(name).app,
            status: 'Synced',
          },
        ],
        summary: { images: state.images },
      },
    };
  }
}

/** `payments-api-prod` is app `payments-api` in environment `prod`, as app-config names Applications. */
function splitApplicationName(name: string) {
  const at = name.lastIndexOf('-');
  return {
    app: name.slice(0, Math.max(at, 0)),
    environment: name.slice(at + 1),
  };
}
