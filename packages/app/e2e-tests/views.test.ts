import path from 'node:path';
import { expect, Page, test } from '@playwright/test';

// The read-only views of the example app: the Promotion tab's version history and audit
// log, the Promotions overview, and the DORA metrics card and page. Runs after the other
// browser tests (files run in name order, one at a time), so the demo repository and the
// audit log already hold the promotions they made.
//
// Each view is also photographed. UPDATE_SCREENSHOTS=1 writes the pictures the README shows
// (docs/screenshots/); otherwise they go to test-results/ with the run's other output.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? path.resolve(__dirname, '../../../docs/screenshots')
  : path.resolve(__dirname, '../../../test-results/screenshots');

async function photograph(page: Page, name: string) {
  // The viewport, not the full page: the app's sidebar is fixed to the viewport.
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

async function signInAsGuest(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('button', { name: 'Enter' }).click();
}

test.use({ viewport: { width: 1440, height: 1200 } });

test("shows each environment's history and the entity's audit log, with the chain verified", async ({
  page,
}) => {
  await signInAsGuest(
    page,
    '/catalog/default/component/payments-api/promotion',
  );
  await expect(page.getByTestId('env-prod')).toBeVisible();

  // The last environment's history first; every environment a tab away.
  const history = page.getByTestId('version-history-prod');
  await expect(history.getByRole('listitem').first()).toContainText('runs now');
  await page.getByRole('tab', { name: 'staging' }).click();
  const staging = page.getByTestId('version-history-staging');
  // The demo repository pinned 1.2.0 and then 1.3.0 in staging before any promotion.
  await expect(staging.getByRole('listitem')).not.toHaveCount(0);
  await expect(staging).toContainText('1.2.0');

  const timeline = page.getByTestId('audit-timeline');
  await expect(page.getByTestId('audit-chain-verification')).toContainText(
    /Chain intact: [\d,]+ records verified up to #\d+/,
    { timeout: 30_000 },
  );
  // The browser tests before this one promoted payments-api: the records are there,
  // newest first, each verified in the chain.
  await expect(
    timeline.getByText('Change landed in git').first(),
  ).toBeVisible();
  await expect(timeline.getByRole('listitem').first()).toContainText(
    'verified',
  );
  await expect(timeline).toContainText('CHG0012345');

  await photograph(page, 'promotion-tab');
});

test('lists every entity x environment on the Promotions overview, with why a request waits', async ({
  page,
}) => {
  // Riley asks for prod; the request waits for Morgan's approval. (The promotion test
  // put a newer build into staging of payments-api than prod runs.)
  await page.goto('/catalog/default/component/payments-api/promotion');
  await page.getByRole('button', { name: 'Sign in as Riley' }).click();
  const prod = page.getByTestId('env-prod');
  await expect(prod).toBeVisible();
  if (test.info().retry === 0) {
    await page
      .getByRole('button', { name: 'Promote to prod', exact: true })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog
      .getByRole('textbox', { name: 'Change ticket' })
      .fill('CHG0054321');
    await dialog.getByRole('button', { name: 'Promote', exact: true }).click();
  }
  await expect(prod.getByText('Awaiting approval')).toBeVisible({
    timeout: 30_000,
  });

  await page.goto('/promotion');
  await expect(
    page.getByRole('heading', { name: 'Promotions' }).first(),
  ).toBeVisible();
  const rows = page.getByRole('row');
  for (const name of ['payments-api', 'checkout-web', 'inventory-service']) {
    await expect(rows.filter({ hasText: name })).toHaveCount(1);
  }
  const payments = rows.filter({ hasText: 'payments-api' });
  await expect(payments.getByTestId('active-request')).toContainText(
    /Awaiting approval.*0 of 1/,
  );
  await photograph(page, 'promotions-overview');

  // The text filter asks the backend for the matching entities only.
  await page.getByRole('textbox', { name: /Filter/ }).fill('checkout');
  await expect(rows.filter({ hasText: 'checkout-web' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'payments-api' })).toHaveCount(0);
});

test('shows the DORA metrics on the entity page and on the metrics page', async ({
  page,
}) => {
  await signInAsGuest(page, '/catalog/default/component/payments-api');
  // The entity's card on its overview page.
  for (const metric of ['Deployment frequency', 'Lead time for changes']) {
    await expect(page.getByRole('region', { name: metric })).toBeVisible({
      timeout: 30_000,
    });
  }

  await page.goto('/promotion/metrics');
  for (const metric of [
    'Deployment frequency',
    'Lead time for changes',
    'Change failure rate',
    'Time to restore',
  ]) {
    await expect(page.getByRole('region', { name: metric })).toBeVisible();
  }
  // The approvals test put a build of payments-api into prod: one deployment at least.
  await expect(
    page.getByRole('region', { name: 'Deployment frequency' }),
  ).toContainText(/[1-9]\d* deployments? to prod/);
  await expect(page.getByText(/over the last 30 days/).first()).toBeVisible();
  await photograph(page, 'promotion-metrics');
});
