/*
 * Browser test of the example app. scripts/test.sh installs Debian's Chromium, starts the
 * example backend + app with app-config.e2e.yaml (app on :3100, backend on :7107, throwaway
 * demo data in data/e2e/), runs `yarn playwright test` with PLAYWRIGHT_URL=http://localhost:3100
 * and stops the servers again; so there is no webServer here. Without PLAYWRIGHT_URL it runs
 * against http://localhost:3000, i.e. a Backstage started by scripts/start.sh, and then
 * promotes in that instance's demo repository (data/gitops-demo.git).
 *
 * Not generateProjects() from @backstage/e2e-test-utils: it asks for `channel: 'chrome'`
 * (Google Chrome), and the tests run on Debian's Chromium, never on a downloaded browser.
 */
import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

// The same launch options as the Chromium check in scripts/test.sh.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const chromiumLaunchOptions = require('./scripts/lib/chromium.cjs') as {
  executablePath: string;
  args: string[];
};

export default defineConfig({
  timeout: 90_000,

  expect: {
    timeout: 30_000,
  },

  forbidOnly: !!process.env.CI,

  retries: process.env.CI ? 1 : 0,

  // One backend with one demo repository: tests change shared state, so one at a time.
  workers: 1,

  reporter: [
    ['list'],
    // scripts/test.sh reads the totals from this file.
    [
      'json',
      { outputFile: resolve(__dirname, 'test-results/playwright.json') },
    ],
  ],

  use: {
    actionTimeout: 15_000,
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions,
  },

  // Screenshots and traces of failed tests (test-results/ itself also holds the reports).
  outputDir: 'test-results/e2e-artifacts',

  projects: [
    {
      name: 'app',
      testDir: 'packages/app/e2e-tests',
      use: { browserName: 'chromium' },
    },
  ],
});
