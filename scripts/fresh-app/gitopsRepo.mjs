// Makes the GitOps repository the install test promotes in: a bare repository whose
// `main` holds apps/payments/overlays/{dev,staging,prod}/kustomization.yaml, with a newer
// build in dev than in staging and prod.
//
// usage: node gitopsRepo.mjs <bare repository path>
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [bare] = process.argv.slice(2);
const IMAGE = 'ghcr.io/acme/payments';
const VERSIONS = { dev: '2.1.0', staging: '2.0.0', prod: '2.0.0' };
/** A stand-in for the digest a registry would report for a build. */
export const digestOf = version =>
  `sha256:${createHash('sha256').update(`payments@${version}`).digest('hex')}`;

const git = (cwd, ...args) => execFileSync('git', args, { cwd, stdio: 'pipe' });
const work = mkdtempSync(join(tmpdir(), 'fresh-app-gitops-'));
git(work, 'init', '-q', '-b', 'main');
for (const [env, version] of Object.entries(VERSIONS)) {
  const dir = join(work, 'apps/payments/overlays', env);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - ../../base',
      'images:',
      `  - name: ${IMAGE}`,
      `    newTag: "${version}"`,
      `    digest: ${digestOf(version)}`,
      '',
    ].join('\n'),
  );
}
git(work, 'add', '.');
git(
  work,
  '-c',
  'user.name=Platform',
  '-c',
  'user.email=platform@acme.example',
  'commit',
  '-q',
  '-m',
  'Three environments',
);
git(work, 'clone', '-q', '--bare', work, bare);
rmSync(work, { recursive: true, force: true });
console.log(
  `✓ ${bare}: dev ${VERSIONS.dev}, staging ${VERSIONS.staging}, prod ${VERSIONS.prod}`,
);
