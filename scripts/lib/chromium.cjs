// How the browser test launches Chromium: Debian's package (apt-get install chromium), never a
// browser downloaded by `playwright install`. Used by playwright.config.ts, the install test
// (scripts/fresh-app) and the launch check in scripts/test.sh, so all start it the same way.
module.exports = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--no-sandbox', // CI runs as root, where Chromium's sandbox refuses to start
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
