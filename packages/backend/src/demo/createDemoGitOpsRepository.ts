import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The example components of `examples/entities.yaml` and their images. */
export const DEMO_APPS = [
  { name: 'payments-api', image: 'ghcr.io/acme/payments-api' },
  { name: 'checkout-web', image: 'ghcr.io/acme/checkout-web' },
  { name: 'inventory-service', image: 'ghcr.io/acme/inventory-service' },
];

/** A stand-in for the digest a registry would report for a build. */
export function demoDigest(app: string, version: string) {
  return `sha256:${crypto
    .createHash('sha256')
    .update(`${app}:${version}`)
    .digest('hex')}`;
}

function overlay(
  app: (typeof DEMO_APPS)[number],
  env: string,
  version: string,
) {
  return [
    `# ${app.name} in ${env}. The promotion plugin edits only the pinned`,
    '# newTag/digest of the image below; everything else here is yours.',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    '  - ../../base',
    `namespace: ${app.name}-${env}`,
    'images:',
    `  - name: ${app.image}`,
    `    newTag: "${version}" # human-readable build version`,
    `    digest: ${demoDigest(app.name, version)}`,
    '',
  ].join('\n');
}

function base(app: (typeof DEMO_APPS)[number]) {
  return {
    'kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: ${app.name}`,
      'spec:',
      '  replicas: 2',
      '  selector:',
      `    matchLabels: { app: ${app.name} }`,
      '  template:',
      `    metadata: { labels: { app: ${app.name} } }`,
      '    spec:',
      '      containers:',
      `        - name: ${app.name}`,
      `          image: ${app.image}`,
      '',
    ].join('\n'),
  };
}

/**
 * Creates the demo GitOps repository as a bare repository at `target`: three
 * apps × dev/staging/prod kustomize overlays, with a short history in which
 * CI built new versions into dev and people promoted them onwards. After it,
 * dev runs 1.4.0, staging 1.3.0 and prod 1.2.0 of every app.
 */
export function createDemoGitOpsRepository(target: string) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-demo-'));
  const git = (args: string[], env: Record<string, string> = {}) =>
    execFileSync('git', args, {
      cwd: work,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', ...env },
      stdio: 'pipe',
    });
  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    fs.writeFileSync(path.join(work, file), content);
  };
  let day = 0;
  const commit = (message: string, who: { name: string; email: string }) => {
    day += 1;
    const date = new Date(
      Date.now() - (10 - day) * 24 * 3600_000,
    ).toISOString();
    git(['add', '-A']);
    git(['commit', '--quiet', '--no-gpg-sign', '-m', message], {
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
      GIT_COMMITTER_DATE: date,
    });
  };
  const ci = { name: 'CI', email: 'ci@acme.example' };
  const setAll = (env: string, version: string) => {
    for (const app of DEMO_APPS)
      write(
        `apps/${app.name}/overlays/${env}/kustomization.yaml`,
        overlay(app, env, version),
      );
  };

  try {
    git(['init', '--quiet', '--initial-branch=main']);
    write(
      'README.md',
      '# Demo GitOps repository\n\nOne directory per app and environment; the Backstage promotion plugin commits here.\n',
    );
    for (const app of DEMO_APPS) {
      for (const [file, content] of Object.entries(base(app)))
        write(`apps/${app.name}/base/${file}`, content);
    }
    for (const env of ['dev', 'staging', 'prod']) setAll(env, '1.2.0');
    commit('Add payments-api, checkout-web and inventory-service at 1.2.0', {
      name: 'Platform Team',
      email: 'platform@acme.example',
    });
    setAll('dev', '1.3.0');
    commit('CI: build 1.3.0 into dev', ci);
    setAll('staging', '1.3.0');
    commit('Promote 1.3.0 to staging\n\nPromoted-By: user:default/riley\n', {
      name: 'Backstage Promotion',
      email: 'promotion@backstage.local',
    });
    setAll('dev', '1.4.0');
    commit('CI: build 1.4.0 into dev', ci);

    fs.mkdirSync(path.dirname(target), { recursive: true });
    execFileSync('git', ['clone', '--quiet', '--bare', work, target], {
      stdio: 'pipe',
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
