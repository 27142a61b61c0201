// Shared by scripts/start.js and scripts/test.js: make a fresh machine of this kind ready.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function log(msg) {
  process.stderr.write(`[hpcg] ${msg}\n`);
}

function reachable(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function waitFor(host, port, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await reachable(host, port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** PostgreSQL and Redis run on this kind of machine; start them the documented way if they stopped. */
async function ensureServices() {
  if (!(await reachable('127.0.0.1', 5432))) {
    log('PostgreSQL is not answering on 127.0.0.1:5432; starting it');
    const versions = fs.existsSync('/etc/postgresql') ? fs.readdirSync('/etc/postgresql') : [];
    if (versions.length === 0) throw new Error('PostgreSQL is not installed (/etc/postgresql missing); install postgresql or set DATABASE_URL');
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start'], { stdio: 'inherit' });
    if (!(await waitFor('127.0.0.1', 5432, 20))) throw new Error('PostgreSQL did not start');
  }
  if (!(await reachable('127.0.0.1', 6379))) {
    log('Redis is not answering on 127.0.0.1:6379; starting it');
    spawnSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'], { stdio: 'inherit' });
    if (!(await waitFor('127.0.0.1', 6379, 20))) throw new Error('Redis did not start');
  }
}

/**
 * Prisma's client is generated offline: `prisma generate` needs no schema engine, only a path to one
 * (ENVIRONMENT.md "Prisma offline"), so point it at a harmless existing file when none is configured.
 */
function build() {
  const env = { ...process.env };
  env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
  log('generating the Prisma client');
  execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  log('compiling TypeScript');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  // Files tsc does not emit (an executable without .js, the notebook launcher) go beside the compiled code.
  for (const asset of ASSETS) {
    const target = path.join(ROOT, 'dist', asset);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(ROOT, asset), target);
    fs.chmodSync(target, 0o755);
  }
}

const ASSETS = ['src/engines/local/runtime/srun', 'src/notebooks/launcher/notebook-launcher.py'];

module.exports = { ROOT, log, ensureServices, build, reachable };
