// Reads a test runner's JSON report and prints "<passed> <failed>" for scripts/test.sh.
//
//   node scripts/lib/count-results.mjs jest <jest --json --outputFile file>
//   node scripts/lib/count-results.mjs playwright <playwright json reporter file>
//   node scripts/lib/count-results.mjs fresh-app <test-results/fresh-app.json>
//
// A suite that could not run at all (jest: a file that fails to import; playwright: a
// global error such as a broken config) counts as one failure, so that a broken run never
// reads as "0 failed". Exits 1 when the report is missing or unreadable.
import fs from 'node:fs';

const [kind, file] = process.argv.slice(2);

let report;
try {
  report = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`✗ no readable ${kind} report at ${file}: ${e.message}`);
  process.exit(1);
}

let passed;
let failed;
if (kind === 'jest') {
  passed = report.numPassedTests ?? 0;
  failed =
    (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
} else if (kind === 'playwright') {
  const stats = report.stats ?? {};
  passed = (stats.expected ?? 0) + (stats.flaky ?? 0);
  failed = stats.unexpected ?? 0;
  if (failed === 0 && (report.errors ?? []).length > 0) {
    failed = report.errors.length;
  }
} else if (kind === 'fresh-app') {
  // scripts/fresh-app/run.sh counts its checks itself.
  passed = report.passed ?? 0;
  failed = report.failed ?? 0;
} else {
  console.error('usage: count-results.mjs jest|playwright|fresh-app <file>');
  process.exit(2);
}

console.log(`${passed} ${failed}`);
