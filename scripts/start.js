#!/usr/bin/env node
// `npm start`: build, then run the gateway API and its worker against the local PostgreSQL and Redis,
// with the local executor as the engine. Ctrl-C stops both (gracefully: in-flight work finishes).
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, log, ensureServices, build } = require('./lib');

async function main() {
  await ensureServices();
  build();
  // Migrations are their own step: the API and worker refuse a database that is behind.
  execFileSync(process.execPath, [path.join(ROOT, 'dist/bin/hpcg-migrate.js')], { stdio: 'inherit' });
  const env = { ...process.env };
  if (!env.HPCG_ADMIN_TOKEN && !env.HPCG_ADMIN_TOKEN_FILE) {
    // A first start gets a bootstrap admin token, kept where only this user can read it.
    const file = path.join(ROOT, '.hpcg', 'admin-token');
    if (!fs.existsSync(file)) {
      // The folder stays searchable (jobs reach the local engine's state under it as their owners); the token file is not.
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o711 });
      fs.writeFileSync(file, `hpcg_admin_${crypto.randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
    }
    env.HPCG_ADMIN_TOKEN_FILE = file;
    log(`admin token: ${file}  (export HPCG_TOKEN=$(cat ${path.relative(process.cwd(), file) || file}))`);
  }
  const children = ['hpcg-api', 'hpcg-worker'].map((name) => spawn(process.execPath, [path.join(ROOT, 'dist/bin', `${name}.js`)], { env, stdio: 'inherit' }));
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGTERM'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  let exitCode = 0;
  await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve) =>
          c.on('exit', (code) => {
            if (code) exitCode = code;
            stop('SIGTERM');
            resolve();
          }),
        ),
    ),
  );
  process.exit(exitCode);
}

main().catch((e) => {
  log(e.message);
  process.exit(1);
});
