// Promotes a build through the HTTP API of the fresh app's backend, as the guest, and
// checks what an adopter would: the pipeline read from the GitOps repository, the
// promotion landing as one commit, the README's permission policy refusing what the
// guest may not do, the audit chain, and the Promotion tab of the served app in Chromium.
//
// usage: node promote.mjs <backend base URL> <bare GitOps repository path>
//                         <the legacy app's dist/> <port to serve it on>
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { serveStatic } from './serveStatic.mjs';

const [base, gitops, legacyDist, legacyPort] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const entityRef = 'component:default/payments';
const api = `${base}/api/promotion`;
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function call(method, url, token, body) {
  const res = await fetch(url, {
    method,
    headers: {
      'content-type': 'application/json',
      'x-requested-with': 'XMLHttpRequest',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

async function until(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last.done) return last.value;
    await sleep(500);
  }
  throw new Error(
    `${what}: gave up after ${timeoutMs} ms (last: ${JSON.stringify(
      last?.seen,
    )})`,
  );
}

const step = async (name, fn) => {
  await fn();
  console.log(`  ✓ ${name}`);
};

const guest = await call('GET', `${base}/api/auth/guest/refresh`);
assert.equal(guest.status, 200, `guest sign-in: ${JSON.stringify(guest.json)}`);
const token = guest.json.backstageIdentity.token;

await step('the catalog holds the annotated entity', () =>
  until('entity in the catalog', async () => {
    const r = await call(
      'GET',
      `${base}/api/catalog/entities/by-name/component/default/payments`,
      token,
    );
    return { done: r.status === 200, seen: r.status };
  }),
);

let pipeline;
await step(
  'the pipeline shows dev, staging and prod from the GitOps repository',
  async () => {
    const r = await call(
      'GET',
      `${api}/entities/component/default/payments/pipeline`,
      token,
    );
    assert.equal(r.status, 200, JSON.stringify(r.json));
    pipeline = Object.fromEntries(r.json.environments.map(e => [e.name, e]));
    assert.deepEqual(Object.keys(pipeline), ['dev', 'staging', 'prod']);
    assert.equal(pipeline.dev.artifact.tag, '2.1.0');
    assert.equal(pipeline.staging.artifact.tag, '2.0.0');
    assert.ok(
      pipeline.staging.allowedActions.includes('promote'),
      'the owner may promote staging',
    );
  },
);

await step(
  'promoting dev to staging lands one commit with the dev build',
  async () => {
    const created = await call('POST', `${api}/promotions`, token, {
      entityRef,
      targetEnvironment: 'staging',
      reason: 'install test',
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const id = created.json.id;
    await until('the promotion succeeds', async () => {
      const r = await call('GET', `${api}/promotions/${id}`, token);
      return {
        done: r.json.status === 'succeeded',
        seen: r.json.status ?? r.json,
      };
    });
    const show = file =>
      execFileSync('git', [
        '--git-dir',
        gitops,
        'show',
        `main:${file}`,
      ]).toString();
    const staging = show('apps/payments/overlays/staging/kustomization.yaml');
    assert.ok(staging.includes(pipeline.dev.artifact.digest), staging);
    const message = execFileSync('git', [
      '--git-dir',
      gitops,
      'log',
      '-1',
      '--format=%B',
      'main',
    ]).toString();
    assert.match(message, new RegExp(`^Promotion-Id: ${id}$`, 'm'));
    assert.match(message, /^Promoted-By: user:development\/guest$/m);
  },
);

await step('prod waits for an approval the guest may not give', async () => {
  const created = await call('POST', `${api}/promotions`, token, {
    entityRef,
    targetEnvironment: 'prod',
    reason: 'install test',
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const id = created.json.id;
  await until('the request awaits approval', async () => {
    const r = await call('GET', `${api}/promotions/${id}`, token);
    return {
      done: r.json.status === 'awaiting-approval',
      seen: r.json.status ?? r.json,
    };
  });
  const approve = await call(
    'POST',
    `${api}/promotions/${id}/approvals`,
    token,
    { decision: 'approve' },
  );
  assert.equal(approve.status, 403, JSON.stringify(approve.json));
  const bypass = await call('POST', `${api}/promotions/${id}/bypass`, token, {
    reason: 'not a release manager',
  });
  assert.equal(bypass.status, 403, JSON.stringify(bypass.json));
});

await step('the audit chain verifies', async () => {
  const r = await call('GET', `${api}/audit/verify`, token);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.ok, true, JSON.stringify(r.json));
  assert.ok(r.json.checked >= 4, JSON.stringify(r.json));
});

/** Opens the Promotion tab at `appBase` and waits for staging to show the dev build. */
async function seeTab(browser, appBase) {
  const page = await browser.newPage();
  try {
    await page.goto(`${appBase}/catalog/default/component/payments/promotion`);
    // The new-system app asks to sign in; the legacy one signs the guest in by itself.
    const enter = page.getByRole('button', { name: 'Enter' });
    const staging = page.getByTestId('env-staging-digest');
    await Promise.race([
      enter.click({ timeout: 60_000 }),
      staging.waitFor({ timeout: 60_000 }),
    ]);
    await staging.waitFor({ timeout: 60_000 });
    // The card shows the digest's first 12 hex characters (and the whole one in a tooltip).
    const short = pipeline.dev.artifact.digest
      .replace(/^sha256:/, '')
      .slice(0, 12);
    await until('staging shows the dev build', async () => {
      const text = (await staging.textContent()) ?? '';
      return { done: text.includes(short), seen: text };
    });
  } finally {
    await page.close();
  }
}

const { chromium } = require('@playwright/test');
// Launched as the browser test launches it (Debian's Chromium, the same flags).
const browser = await chromium.launch(require('../lib/chromium.cjs'));
const legacyServer = await serveStatic(legacyDist, Number(legacyPort));
try {
  await step(
    'the new frontend system app, served by the backend, shows the Promotion tab',
    () => seeTab(browser, base),
  );
  await step('the legacy frontend system app shows the Promotion tab', () =>
    seeTab(browser, `http://localhost:${legacyPort}`),
  );
} finally {
  legacyServer.close();
  await browser.close();
}
