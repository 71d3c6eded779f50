import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test, expect } from '@playwright/test';

// The demo GitOps repository that app-config.e2e.yaml points the backend at.
const DEMO_REPOSITORY = path.resolve(
  __dirname,
  '../../../data/e2e/gitops-demo.git',
);
const lastCommitMessage = () =>
  execFileSync('git', [
    '--git-dir',
    DEMO_REPOSITORY,
    'log',
    '-1',
    '--format=%B',
    'main',
  ]).toString();

// Runs against the example app started by scripts/test.sh with app-config.e2e.yaml: a fresh
// SQLite database and a fresh demo GitOps repository (data/e2e/) on every run.

test('promotes the build running in dev to staging from the Promotion tab', async ({
  page,
}) => {
  // Opening the page directly shows the sign-in page first; after signing in as guest the
  // app renders the page that was asked for.
  await page.goto('/catalog/default/component/payments-api/promotion');
  await page.getByRole('button', { name: 'Enter' }).click();

  const devDigest = page.getByTestId('env-dev-digest');
  const stagingDigest = page.getByTestId('env-staging-digest');
  await expect(devDigest).toHaveText(/\S/);
  await expect(stagingDigest).toHaveText(/\S/);
  const dev = (await devDigest.textContent())!.trim();

  if (test.info().retry === 0) {
    // The fresh demo repository runs a newer build in dev than in staging; otherwise this
    // test could pass without promoting anything. (A retry runs against the same backend,
    // after the first attempt may already have promoted.)
    await expect(stagingDigest).not.toHaveText(dev);
  }

  await page
    .getByRole('button', { name: 'Promote to staging', exact: true })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Promote', exact: true }).click();

  await expect(stagingDigest).toHaveText(dev, { timeout: 30_000 });

  // The change is a real commit on the demo repository's branch, made for the signed-in user.
  const message = lastCommitMessage();
  expect(message).toMatch(/^Promote payments-api to staging: /);
  expect(message).toMatch(/^Promotion-Id: [0-9a-f-]{36}$/m);
  expect(message).toMatch(/^Promoted-By: user:development\/guest$/m);
});
