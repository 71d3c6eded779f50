import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, Page, test } from '@playwright/test';

// Runs against the example app started by scripts/test.sh with app-config.e2e.yaml, where
// prod needs one approval and the example users come from the `example-users` provider.
const DEMO_REPOSITORY = path.resolve(
  __dirname,
  '../../../data/e2e/gitops-demo.git',
);
const BACKEND = process.env.PLAYWRIGHT_BACKEND_URL ?? 'http://localhost:7007';
const TAB = '/catalog/default/component/payments-api/promotion';

async function signInAs(page: Page, name: 'Riley' | 'Morgan') {
  await page.goto(TAB);
  await page.getByRole('button', { name: `Sign in as ${name}` }).click();
  await expect(page.getByTestId('env-prod')).toBeVisible();
}

async function signOut(page: Page) {
  await page.context().clearCookies();
  await page.evaluate(() => window.localStorage.clear());
}

test('Riley requests prod, her own approval is refused, Morgan approves and the commit lands', async ({
  page,
  request,
}) => {
  await signInAs(page, 'Riley');
  const staging = (await page
    .getByTestId('env-staging-digest')
    .textContent())!.trim();
  await expect(page.getByTestId('env-prod-digest')).not.toHaveText(staging);

  await page
    .getByRole('button', { name: 'Promote to prod', exact: true })
    .click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText(/Needs 1 approval/)).toBeVisible();
  // prod takes a change ticket of the form CHG and seven digits.
  const promote = dialog.getByRole('button', { name: 'Promote', exact: true });
  await expect(promote).toBeDisabled();
  await dialog
    .getByRole('textbox', { name: 'Change ticket' })
    .fill('CHG0012345');
  await promote.click();
  const prod = page.getByTestId('env-prod');
  await expect(prod.getByText('Awaiting approval')).toBeVisible({
    timeout: 30_000,
  });
  const ticket = prod.getByTestId('change-ticket');
  await expect(ticket).toContainText('Change ticket CHG0012345');
  await expect(ticket.getByRole('link')).toHaveAttribute(
    'href',
    'https://itsm.example.com/change/CHG0012345',
  );
  // Riley may not approve her own request: the tab offers no button …
  await expect(
    prod.getByRole('button', {
      name: 'Approve promotion of payments-api to prod',
    }),
  ).toHaveCount(0);

  // … and the backend refuses the call if she makes it anyway.
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
  const waiting = await request.get(
    `${BACKEND}/api/promotion/promotions?entityRef=component:default/payments-api&environment=prod&status=awaiting-approval`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  const [pending] = (await waiting.json()).items;
  const own = await request.post(
    `${BACKEND}/api/promotion/promotions/${pending.id}/approvals`,
    {
      headers: { authorization: `Bearer ${token}` },
      data: { decision: 'approve' },
    },
  );
  expect(own.status()).toBe(403);
  expect((await own.json()).error.message).toMatch(
    /You requested this promotion/,
  );

  await signOut(page);
  await signInAs(page, 'Morgan');
  const prodAsMorgan = page.getByTestId('env-prod');
  await prodAsMorgan
    .getByRole('button', { name: 'Approve promotion of payments-api to prod' })
    .click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Confirm approval' })
    .click();

  await expect(page.getByTestId('env-prod-digest')).toHaveText(staging, {
    timeout: 30_000,
  });
  const message = execFileSync('git', [
    '--git-dir',
    DEMO_REPOSITORY,
    'log',
    '-1',
    '--format=%B',
    'main',
  ]).toString();
  expect(message).toMatch(/^Promote payments-api to prod: /);
  expect(message).toMatch(/^Promoted-By: user:default\/riley$/m);
  expect(message).toMatch(/^Promotion-Id: [0-9a-f-]{36}$/m);
  expect(message).toMatch(/^Change-Ticket: CHG0012345$/m);
});
