import { expect, Page, test } from '@playwright/test';

// Runs against the example app started by scripts/test.sh with app-config.e2e.yaml, whose
// staging and prod are Applications of the example backend's demo Argo CD: staging syncs by
// itself, prod waits for someone to press Sync and then rolls out as a short canary.
const BACKEND = process.env.PLAYWRIGHT_BACKEND_URL ?? 'http://localhost:7007';
const TAB = '/catalog/default/component/payments-api/promotion';

/** The full digest a card shows (its text holds the short form and, for screen readers, the full one). */
async function pinnedDigest(page: Page, environment: string) {
  const text =
    (await page.getByTestId(`env-${environment}-digest`).textContent()) ?? '';
  return /sha256:[0-9a-f]{64}/.exec(text)![0];
}

async function signInAsRiley(page: Page) {
  await page.goto(TAB);
  await page.getByRole('button', { name: 'Sign in as Riley' }).click();
  await expect(page.getByTestId('env-prod')).toBeVisible();
}

test('shows what Argo CD runs on each card, and syncs prod by hand until it runs healthy', async ({
  page,
  request,
}) => {
  await signInAsRiley(page);

  // Staging runs what its branch pins, synced and healthy.
  const staging = page.getByTestId('deployment-staging');
  await expect(staging).toContainText('Argo CD · payments-api-staging');
  await expect(staging.getByText('Synced', { exact: true })).toBeVisible();
  await expect(staging.getByText('Healthy', { exact: true })).toBeVisible();
  const stagingDigest = await pinnedDigest(page, 'staging');
  await expect(page.getByTestId('deployment-staging-images')).toContainText(
    stagingDigest,
  );
  await expect(staging.getByText('Last sync')).toBeVisible();

  // Prod is a manual-sync Application: Riley, who owns payments-api, may sync it.
  const prod = page.getByTestId('env-prod');
  await expect(page.getByTestId('deployment-prod')).toContainText(
    'Manual sync',
  );
  await prod.getByRole('button', { name: 'Sync', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Sync payments-api-prod in Argo CD?');
  await dialog.getByLabel('Reason (optional)').fill('release window opened');
  await dialog.getByRole('button', { name: 'Sync', exact: true }).click();
  await expect(
    page.getByText(/Argo CD is syncing payments-api-prod/),
  ).toBeVisible();

  // The canary shows its progress on the card, then prod runs what its branch pins.
  const prodDeployment = page.getByTestId('deployment-prod');
  await expect(prodDeployment).toContainText(
    /Canary step \d of 4|All 4 canary steps done/,
  );
  await expect(
    prodDeployment.getByText('Healthy', { exact: true }),
  ).toBeVisible({ timeout: 40_000 });
  await expect(
    prodDeployment.getByText('Synced', { exact: true }),
  ).toBeVisible();
  const prodDigest = await pinnedDigest(page, 'prod');
  await expect(page.getByTestId('deployment-prod-images')).toContainText(
    prodDigest,
  );

  // The sync is in the audit log, with who asked and why.
  const refresh = await request.get(
    `${BACKEND}/api/auth/example-users/refresh`,
    {
      headers: {
        'x-requested-with': 'XMLHttpRequest',
        'x-example-user': 'riley',
      },
    },
  );
  const token = (await refresh.json()).backstageIdentity.token;
  const audit = await request.get(
    `${BACKEND}/api/promotion/audit?action=promotion.sync-requested&environment=prod`,
    {
      headers: { authorization: `Bearer ${token}` },
    },
  );
  expect((await audit.json()).items).toContainEqual(
    expect.objectContaining({
      actor: 'user:default/riley',
      entityRef: 'component:default/payments-api',
      details: expect.objectContaining({
        application: 'payments-api-prod',
        reason: 'release window opened',
      }),
    }),
  );
});
