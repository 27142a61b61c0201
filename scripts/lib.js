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
  bundle();
}

const ASSETS = ['src/engines/local/runtime/srun', 'src/notebooks/launcher/notebook-launcher.py'];

/** Each executable: its bundle's entry in tsc's output (dist/bundle/NAME.js) and its launcher (dist/bin/NAME.js). */
const EXECUTABLES = {
  hpcg: 'dist/src/cli/main.js',
  'hpcg-api': 'dist/src/main.js',
  'hpcg-worker': 'dist/src/worker.js',
  'hpcg-migrate': 'dist/src/migrate.js',
  'hpcg-proxy': 'dist/proxy/src/run.js',
};

/**
 * Packages left out of the bundles and required from node_modules at run time: optional packages that
 * NestJS and others require inside try/catch (bundling would fail on the missing ones), packages with
 * native addons or worker threads that find files beside themselves (ssh2, pino's transports), Prisma's
 * runtime (it loads its query compiler's wasm from its folder), and the Kubernetes client, which
 * engine-registry.ts requires only when a Kubernetes engine is configured.
 */
const EXTERNAL = [
  '@nestjs/microservices',
  '@nestjs/websockets',
  '@nestjs/platform-socket.io',
  '@apollo/gateway',
  '@apollo/subgraph',
  '@as-integrations/fastify',
  '@fastify/*',
  'ts-morph',
  'class-transformer/storage',
  '@prisma/client',
  'pino',
  'thread-stream',
  'ssh2',
  'cpu-features',
  'bufferutil',
  'utf-8-validate',
  'pg-native',
  '@kubernetes/client-node',
];

/**
 * One file per executable, built from tsc's JavaScript (tsc emits the decorator metadata NestJS needs;
 * esbuild cannot), with a source map chained to the TypeScript (src/startup/bundle-stacks.ts reads it).
 */
function bundle() {
  log('bundling the executables');
  const esbuild = require('esbuild');
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', absWorkingDir: ROOT };
  // Each module keeps its own function scope (tsc's output is CommonJS); keepNames guards the class
  // names NestJS and GraphQL read, should esbuild rename a hoisted ES module's identifiers.
  esbuild.buildSync({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(EXECUTABLES)),
    outdir: path.join(ROOT, 'dist', 'bundle'),
    external: EXTERNAL,
    sourcemap: true,
    sourcesContent: false,
    keepNames: true,
    minifyWhitespace: true,
  });
  esbuild.buildSync({
    ...common,
    entryPoints: Object.fromEntries(Object.keys(EXECUTABLES).map((name) => [name, `dist/src/bin/${name}.js`])),
    outdir: path.join(ROOT, 'dist', 'bin'),
  });
  for (const name of Object.keys(EXECUTABLES)) fs.chmodSync(path.join(ROOT, 'dist', 'bin', `${name}.js`), 0o755);
}

module.exports = { ROOT, log, ensureServices, build, reachable };
