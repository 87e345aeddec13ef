#!/usr/bin/env node
// Runs every project's tests through Nx, then prints one line `N passed, N failed` summed over the projects
// (from the Jest --json result each project writes to tmp/jest-results), so a run that executed no test is
// visible. Exits with Nx's status, or 1 when no test ran at all.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const resultsDir = path.join(root, 'tmp', 'jest-results');
fs.rmSync(resultsDir, { recursive: true, force: true });
fs.mkdirSync(resultsDir, { recursive: true });

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const args = ['nx', 'run-many', '-t', 'test', '--parallel=2', '--outputStyle=stream', ...process.argv.slice(2)];
const run = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env });

let passed = 0;
let failed = 0;
let suitesFailed = 0;
const files = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => f.endsWith('.json')) : [];
for (const f of files) {
  const r = JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  suitesFailed += r.numRuntimeErrorTestSuites ?? 0;
}
if (suitesFailed > 0) console.log(`${suitesFailed} test suite(s) failed to run`);
console.log(`${passed} passed, ${failed} failed`);
const status = run.status ?? 1;
process.exit(status !== 0 ? status : passed === 0 || failed > 0 ? 1 : 0);
