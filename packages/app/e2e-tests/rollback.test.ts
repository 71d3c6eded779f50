import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test, expect } from '@playwright/test';

// The demo GitOps repository that app-config.e2e.yaml points the backend at. In it, staging
// of every app ran 1.2.0 and runs 1.3.0 now; checkout-web is owned by team-payments, of
// which the guest is a member (examples/org.yaml).
const DEMO_REPOSITORY = path.resolve(
  __dirname,
  '../../../data/e2e/gitops-demo.git',
);
const git = (...args: string[]) =>
  execFileSync('git', ['--git-dir', DEMO_REPOSITORY, ...args]).toString();

test('rolls staging back to the build it ran before, after seeing the impact, and holds automatic promotion', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/checkout-web/promotion');
  await page.getByRole('button', { name: 'Enter' }).click();
  const stagingDigest = page.getByTestId('env-staging-digest');
  await expect(stagingDigest).toHaveText(/\S/);
  const before = (await stagingDigest.textContent())!.trim();

  await page
    .getByRole('button', { name: 'Roll back checkout-web in staging' })
    .click();
  const dialog = page.getByRole('dialog');
  // The impact comes first: what is backed out, and a recommendation.
  await expect(
    dialog.getByRole('list', { name: 'Builds backed out' }),
  ).toContainText('1.3.0');
  await expect(dialog.getByText('Safe', { exact: true })).toBeVisible();
  const confirm = dialog.getByRole('button', {
    name: 'Confirm rollback of checkout-web in staging',
  });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('Reason').fill('1.3.0 breaks the basket page');
  await confirm.click();

  await expect(stagingDigest).not.toHaveText(before, { timeout: 30_000 });
  await expect(page.getByText(/Automatic promotion held since/)).toBeVisible({
    timeout: 30_000,
  });

  // One commit, titled as a rollback, carrying the reason and who asked for it.
  const message = git('log', '-1', '--format=%B', 'main');
  expect(message).toMatch(
    /^Roll back checkout-web in staging to 1\.2\.0@sha256:[0-9a-f]{64}\n\n1\.3\.0 breaks the basket page\n/,
  );
  expect(message).toMatch(/^Promoted-By: user:development\/guest$/m);
  expect(
    git('show', 'main:apps/checkout-web/overlays/staging/kustomization.yaml'),
  ).toContain('newTag: "1.2.0"');
});
