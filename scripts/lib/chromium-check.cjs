// Launches the browser the way the Playwright config does and opens about:blank, so that a
// Chromium that cannot start fails scripts/test.sh's set-up with a clear message instead of
// failing the browser test later.
const { chromium } = require('@playwright/test');
const launchOptions = require('./chromium.cjs');

(async () => {
  const browser = await chromium.launch(launchOptions);
  try {
    const page = await browser.newPage();
    await page.goto('about:blank');
    console.log(
      `✓ Chromium ${browser.version()} starts (${
        launchOptions.executablePath
      })`,
    );
  } finally {
    await browser.close();
  }
})().catch(error => {
  console.error(`✗ Chromium does not start: ${error.message}`);
  process.exit(1);
});
