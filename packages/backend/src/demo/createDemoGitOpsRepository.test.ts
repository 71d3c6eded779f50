import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createDemoGitOpsRepository,
  DEMO_APPS,
  demoDigest,
} from './createDemoGitOpsRepository';

describe('createDemoGitOpsRepository', () => {
  it('creates a bare repository where dev runs 1.4.0, staging 1.3.0 and prod 1.2.0 of every app', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-demo-test-'));
    const target = path.join(root, 'gitops-demo.git');
    try {
      createDemoGitOpsRepository(target);
      const git = (...args: string[]) =>
        execFileSync('git', ['--git-dir', target, ...args]).toString();
      expect(git('rev-parse', '--is-bare-repository').trim()).toBe('true');
      expect(git('log', '--format=%s', 'main').trim().split('\n')).toEqual([
        'CI: build 1.4.0 into dev',
        'Promote 1.3.0 to staging',
        'CI: build 1.3.0 into dev',
        'Add payments-api, checkout-web and inventory-service at 1.2.0',
      ]);
      for (const app of DEMO_APPS) {
        for (const [env, version] of [
          ['dev', '1.4.0'],
          ['staging', '1.3.0'],
          ['prod', '1.2.0'],
        ]) {
          const overlay = git(
            'show',
            `main:apps/${app.name}/overlays/${env}/kustomization.yaml`,
          );
          expect(overlay).toContain(
            `  - name: ${app.image}\n    newTag: "${version}"`,
          );
          expect(overlay).toContain(
            `    digest: ${demoDigest(app.name, version)}\n`,
          );
        }
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
