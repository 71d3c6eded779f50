import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createDemoGitOpsRepository,
  demoDigest,
} from './createDemoGitOpsRepository';
import { DemoArgoCd } from './DemoArgoCd';

const IMAGE = 'ghcr.io/acme/payments-api';
const running = (version: string) =>
  `${IMAGE}:${version}@${demoDigest('payments-api', version)}`;

describe('DemoArgoCd', () => {
  let root: string;
  let repository: string;
  let now: Date;
  let argoCd: DemoArgoCd;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-argocd-'));
    repository = path.join(root, 'gitops-demo.git');
    createDemoGitOpsRepository(repository);
    now = new Date();
    argoCd = new DemoArgoCd({
      repository,
      manualSync: ['prod'],
      now: () => now,
    });
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** Pins another version in prod, as a promotion would. */
  function pinInProd(version: string) {
    const work = path.join(root, 'work');
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: work,
        stdio: 'pipe',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t',
        },
      });
    execFileSync('git', ['clone', '--quiet', repository, work]);
    const file = path.join(
      work,
      'apps/payments-api/overlays/prod/kustomization.yaml',
    );
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace(/newTag: "[^"]+"/, `newTag: "${version}"`)
        .replace(
          /digest: \S+/,
          `digest: ${demoDigest('payments-api', version)}`,
        ),
    );
    git('commit', '--quiet', '-am', `Promote ${version} to prod`);
    git('push', '--quiet', 'origin', 'HEAD:main');
  }

  it('runs what an automated Application pins, synced and healthy', async () => {
    const app = (await argoCd.application('payments-api-staging'))!;
    expect(app.spec.syncPolicy).toEqual({
      automated: { prune: true, selfHeal: true },
    });
    expect(app.status.sync.status).toBe('Synced');
    expect(app.status.health.status).toBe('Healthy');
    expect(app.status.summary.images).toEqual([running('1.3.0')]);
  });

  it('keeps a manual-sync Application on what it ran until it is synced, then plays a canary', async () => {
    expect(
      (await argoCd.application('payments-api-prod'))!.status,
    ).toMatchObject({
      sync: { status: 'Synced' },
      summary: { images: [running('1.2.0')] },
    });
    pinInProd('1.3.0');
    const waiting = (await argoCd.application('payments-api-prod'))!;
    expect(waiting.spec.syncPolicy).toEqual({});
    expect(waiting.status.sync.status).toBe('OutOfSync');
    expect(waiting.status.summary.images).toEqual([running('1.2.0')]);

    await argoCd.sync('payments-api-prod');
    const canary = (await argoCd.application('payments-api-prod'))!;
    expect(canary.status).toMatchObject({
      sync: { status: 'Synced' },
      health: { status: 'Progressing' },
      summary: { images: [running('1.2.0'), running('1.3.0')] },
    });
    expect(
      JSON.parse((await argoCd.rollout('payments-api-prod'))!.manifest).status,
    ).toEqual({
      phase: 'Progressing',
      currentStepIndex: 0,
    });

    now = new Date(now.getTime() + 20_000);
    const done = (await argoCd.application('payments-api-prod'))!;
    expect(done.status).toMatchObject({
      health: { status: 'Healthy' },
      summary: { images: [running('1.3.0')] },
    });
    expect(
      JSON.parse((await argoCd.rollout('payments-api-prod'))!.manifest).status
        .currentStepIndex,
    ).toBe(4);
  });

  it('knows no Application the repository has no overlay for', async () => {
    expect(await argoCd.application('payments-api-qa')).toBeUndefined();
    expect(await argoCd.application('nothing')).toBeUndefined();
    expect(await argoCd.sync('unknown-prod')).toBeUndefined();
  });
});
