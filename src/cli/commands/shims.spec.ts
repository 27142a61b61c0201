import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError } from '../cli-errors';
import { SHIM_COMMANDS, shQuote, writeShims } from './shims';

describe('hpcg shims', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "hpcg shims 'quoted' "))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Stands in for main.js: prints the argv it was given as JSON. */
  function stubEntry(): string {
    const path = join(dir, "fake main $HOME `x` 'q'.js");
    writeFileSync(path, 'process.stdout.write(JSON.stringify(process.argv.slice(2)));\n');
    return path;
  }

  it('writes six executable #!/bin/sh scripts into a directory it creates', () => {
    const target = join(dir, 'bin', 'slurm');
    writeShims(target, process.execPath, stubEntry(), false);
    for (const command of SHIM_COMMANDS) {
      const path = join(target, command);
      expect(statSync(path).mode & 0o777).toBe(0o755);
      expect(readFileSync(path, 'utf8').startsWith('#!/bin/sh\n')).toBe(true);
    }
  });

  it('runs this node with the CLI entry, the command name and the arguments untouched', () => {
    const entry = stubEntry();
    writeShims(dir, process.execPath, entry, false);
    const args = ['--parsable', 'two words', "it's", '$HOME', '`date`', '*', ''];
    const out = execFileSync(join(dir, 'sbatch'), args, { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(['sbatch', ...args]);
    expect(JSON.parse(execFileSync(join(dir, 'squeue'), ['-h'], { encoding: 'utf8' }))).toEqual(['squeue', '-h']);
  });

  it('bakes a site URL in: the shim exports it for the CLI, below HPCG_URL (cli-config.ts), quoted for sh', () => {
    const entry = join(dir, 'print-env.js');
    writeFileSync(entry, 'process.stdout.write(JSON.stringify([process.env.HPCG_SHIM_URL ?? null, process.argv.slice(2)]));\n');
    const url = "https://hpc.example.org/gw'$HOME";
    writeShims(dir, process.execPath, entry, false, url);
    expect(JSON.parse(execFileSync(join(dir, 'squeue'), ['-h'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } }))).toEqual([url, ['squeue', '-h']]);
    writeShims(dir, process.execPath, entry, false);
    expect(JSON.parse(execFileSync(join(dir, 'squeue'), [], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } }))).toEqual([null, ['squeue']]);
  });

  it('replaces its own shims but not other files unless forced', () => {
    writeShims(dir, process.execPath, stubEntry(), false);
    expect(() => writeShims(dir, process.execPath, stubEntry(), false)).not.toThrow();

    writeFileSync(join(dir, 'sinfo'), '#!/bin/sh\necho real sinfo\n');
    expect(() => writeShims(dir, process.execPath, stubEntry(), false)).toThrow(CommandError);
    expect(() => writeShims(dir, process.execPath, stubEntry(), false)).toThrow(`${join(dir, 'sinfo')} exists and is not an hpcg shim`);
    expect(readFileSync(join(dir, 'sinfo'), 'utf8')).toContain('real sinfo');

    writeShims(dir, process.execPath, stubEntry(), true);
    expect(readFileSync(join(dir, 'sinfo'), 'utf8')).toContain('# hpcg shim:');
  });

  it('quotes for sh so that nothing is expanded', () => {
    expect(shQuote("a'b $c")).toBe(`'a'\\''b $c'`);
    expect(execFileSync('/bin/sh', ['-c', `printf %s ${shQuote("x'y $HOME `id` \\ \"z\"")}`], { encoding: 'utf8' })).toBe("x'y $HOME `id` \\ \"z\"");
  });
});
