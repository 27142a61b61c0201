#!/usr/bin/env node
// `npm test`: everything the tests need (Debian packages, PostgreSQL, Redis, a build), then every
// test level (unit, integration, end-to-end), then one closing line: "tests: N passed, N failed".
// --forceExit: a leaked handle in one test must never hang a CI run for its whole time budget.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, log, ensureServices, build } = require('./lib');

async function main() {
  const depsDir = path.join(ROOT, 'scripts', 'test-deps');
  for (const f of fs.readdirSync(depsDir).filter((f) => f.endsWith('.sh') && f !== 'apt.sh').sort()) {
    execFileSync('bash', [path.join(depsDir, f)], { stdio: 'inherit' });
  }
  await ensureServices();
  build();
  // jest only transpiles; the tests themselves are type-checked here, against the code they test.
  log('type-checking the tests');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit', '--incremental', 'false'], { cwd: ROOT, stdio: 'inherit' });
  // Lint with type information: floating promises and import cycles are errors (eslint.config.mjs).
  log('linting');
  // eslint's package exports do not include its bin: run it from its folder.
  execFileSync(process.execPath, [path.join(path.dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js'), '.'], { cwd: ROOT, stdio: 'inherit' });
  // Unit tests run in parallel; integration and end-to-end tests start daemons and real processes and
  // measure time, so they run one file at a time: on two cores, contention would make them flaky.
  const runs = [
    { name: 'unit', args: ['--selectProjects', 'unit', '--maxWorkers=2'] },
    { name: 'integration+e2e', args: ['--selectProjects', 'integration', 'e2e', '--runInBand'] },
  ];
  const totals = { passed: 0, failed: 0, skipped: 0 };
  let ok = true;
  for (const run of runs) {
    const results = path.join(ROOT, '.hpcg', `jest-${run.name}.json`);
    fs.mkdirSync(path.dirname(results), { recursive: true });
    fs.rmSync(results, { force: true });
    const args = [require.resolve('jest/bin/jest'), '--json', `--outputFile=${results}`, '--forceExit', ...run.args, ...process.argv.slice(2)];
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, HPCG_LOG_LEVEL: process.env.HPCG_LOG_LEVEL ?? 'warn' } });
    if (!fs.existsSync(results)) {
      log(`jest (${run.name}) wrote no results`);
      ok = false;
      totals.failed++;
      continue;
    }
    const j = JSON.parse(fs.readFileSync(results, 'utf8'));
    totals.passed += j.numPassedTests;
    totals.failed += j.numFailedTests + j.numFailedTestSuites + (j.numRuntimeErrorTestSuites || 0);
    totals.skipped += j.numPendingTests + j.numTodoTests;
    ok = ok && r.status === 0 && j.success;
  }
  ok = pytest(totals) && ok;
  process.stdout.write(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  process.exit(ok ? 0 : 1);
}

/** The spawner's Python tests, with Debian's pytest (JupyterHub 3.0 is Debian's too); counts from its junit xml. */
function pytest(totals) {
  const results = path.join(ROOT, '.hpcg', 'pytest.xml');
  fs.mkdirSync(path.dirname(results), { recursive: true });
  fs.rmSync(results, { force: true });
  log('spawner tests (pytest)');
  const r = spawnSync('/usr/bin/python3', ['-m', 'pytest', 'spawner/tests', '-q', `--junitxml=${results}`], { cwd: ROOT, stdio: 'inherit' });
  if (!fs.existsSync(results)) {
    log(`pytest wrote no results${r.error ? `: ${r.error.message}` : ''}`);
    totals.failed++;
    return false;
  }
  const suite = fs.readFileSync(results, 'utf8').match(/<testsuite\b[^>]*>/)[0];
  const count = (name) => Number((suite.match(new RegExp(`\\b${name}="(\\d+)"`)) || [0, 0])[1]);
  const failed = count('failures') + count('errors');
  totals.passed += count('tests') - failed - count('skipped');
  totals.failed += failed;
  totals.skipped += count('skipped');
  return r.status === 0;
}

main().catch((e) => {
  log(e.stack || e.message);
  process.exit(1);
});
