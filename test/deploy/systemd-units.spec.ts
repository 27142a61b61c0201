import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envSchema } from '../../src/config/env.schema';
import { ROOT } from '../support/gateway-process';

const DIR = join(ROOT, 'deploy', 'systemd');
const UNITS = readdirSync(DIR).filter((f) => f.endsWith('.service')).sort();

/**
 * systemd-analyze (Debian's systemd; it needs no running systemd) on copies of the units in one folder,
 * so their dependencies on each other resolve. `verify` exits 0 on unknown keys and unparsable values,
 * only printing them: any output counts as a failure.
 */
function analyze(args: string[], units: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hpcg-units-'));
  try {
    for (const [name, text] of Object.entries(units)) writeFileSync(join(dir, name), text);
    const r = spawnSync('systemd-analyze', [...args, ...Object.keys(units).map((u) => join(dir, u))], { encoding: 'utf8' });
    if (r.error) throw new Error(`systemd-analyze could not run: ${r.error.message} (Debian's package systemd provides it)`);
    return { status: r.status, output: `${r.stdout}${r.stderr}`.replaceAll(dir, '.') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const unitTexts = (): Record<string, string> => Object.fromEntries(UNITS.map((u) => [u, readFileSync(join(DIR, u), 'utf8')]));
const directives = (text: string, key: string): string[] => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);

describe('deploy/systemd', () => {
  it('has the units for API, worker, proxy and the migration step', () => {
    expect(UNITS).toEqual(['hpcg-api.service', 'hpcg-migrate.service', 'hpcg-proxy.service', 'hpcg-worker.service']);
  });

  it('systemd-analyze verify accepts every unit without a single warning', () => {
    expect(analyze(['verify'], unitTexts())).toEqual({ status: 0, output: '' });
  });

  it('a misspelt directive or an impossible value is caught (the check is not vacuous)', () => {
    const units = unitTexts();
    units['hpcg-proxy.service'] = units['hpcg-proxy.service'].replace('ProtectSystem=strict', 'ProtectSystm=strict').replace('ProtectHome=yes', 'ProtectHome=perhaps');
    const r = analyze(['verify'], units);
    expect(r.output).toContain("Unknown key 'ProtectSystm'");
    expect(r.output).toContain('perhaps');
  });

  it('API and worker start only after hpcg-migrate has brought the database up to date', () => {
    const units = unitTexts();
    expect(directives(units['hpcg-migrate.service'], 'Type')).toEqual(['oneshot']);
    expect(directives(units['hpcg-migrate.service'], 'ExecStart')).toEqual(['/usr/bin/node /opt/hpc-gateway/dist/bin/hpcg-migrate.js']);
    for (const u of ['hpcg-api.service', 'hpcg-worker.service']) {
      expect(directives(units[u], 'Requires')).toContain('hpcg-migrate.service');
      expect(directives(units[u], 'After').join(' ')).toContain('hpcg-migrate.service');
    }
  });

  it('hardening: strict read-only system, no new privileges, an environment file; exposure as systemd-analyze security scores it', () => {
    const units = unitTexts();
    for (const [name, text] of Object.entries(units)) {
      expect([name, directives(text, 'ProtectSystem'), directives(text, 'NoNewPrivileges'), directives(text, 'EnvironmentFile')]).toEqual([name, ['strict'], ['yes'], ['/etc/hpcg/hpcg.env']]);
    }
    expect(directives(units['hpcg-worker.service'], 'ReadWritePaths')[0]).toMatch(/^\/var\/lib\/hpcg /);
    expect(directives(units['hpcg-worker.service'], 'KillMode')).toEqual(['process']);
    // Measured with systemd 252: proxy 1.9, API 2.4, migrate 1.7, worker 6.1 (root, for the local engine).
    const limits: Record<string, number> = { 'hpcg-api.service': 3, 'hpcg-migrate.service': 2.5, 'hpcg-proxy.service': 2.5, 'hpcg-worker.service': 6.5 };
    for (const name of UNITS) {
      const r = analyze(['security', '--offline=true'], { [name]: units[name] });
      const score = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(r.output)?.[1]);
      expect([name, score <= limits[name]]).toEqual([name, true]);
    }
  });

  it('the example environment file names only variables the gateway reads, with valid values', () => {
    const env = Object.fromEntries(
      readFileSync(join(DIR, 'hpcg.env'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(Object.keys(env).filter((k) => !(k in envSchema.shape))).toEqual([]);
    expect(envSchema.safeParse(env).error?.issues ?? []).toEqual([]);
  });
});
