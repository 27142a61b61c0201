import { spawn, spawnSync } from 'node:child_process';
import { srunSourcePath } from './runtime-files';
import { waitFor } from '../../../test/local-engine/wait-for';

jest.setTimeout(15_000);

const srun = srunSourcePath();

describe('srun shim', () => {
  it('pads labels to the width of the highest task id, as Slurm does', () => {
    const r = spawnSync(srun, ['-n', '11', '--label', 'sh', '-c', 'echo "r$SLURM_PROCID"'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').sort();
    expect(lines[0]).toBe('00: r0');
    expect(lines).toContain('10: r10');
    expect(lines).toHaveLength(11);
  });

  it('labels a last line without newline and ends it', () => {
    const r = spawnSync(srun, ['-l', 'printf', 'a\\nb'], { encoding: 'utf8' });
    expect(r.stdout).toBe('0: a\n0: b\n');
  });

  it('takes the task count from SLURM_NTASKS when -n is not given', () => {
    const r = spawnSync(srun, ['sh', '-c', 'echo $SLURM_PROCID/$SLURM_NTASKS'], { encoding: 'utf8', env: { ...process.env, SLURM_NTASKS: '2' } });
    expect(r.stdout.trim().split('\n').sort()).toEqual(['0/2', '1/2']);
  });

  it('forwards signals it receives to every task', async () => {
    const child = spawn(srun, ['-n', '2', '-l', 'bash', '-c', 'trap "echo usr1; exit 7" USR1; echo ready; while :; do sleep 0.05; done'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor('both tasks ready', () => ((out.match(/ready/g) ?? []).length === 2 ? true : undefined));
    child.kill('SIGUSR1');
    expect(await exited).toBe(7);
    expect(out.split('\n').filter((l) => l.endsWith('usr1')).sort()).toEqual(['0: usr1', '1: usr1']);
  });

  it('refuses an unknown option and a missing command with exit status 1', () => {
    const unknown = spawnSync(srun, ['--gres=gpu:1', 'true'], { encoding: 'utf8' });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("srun: error: unrecognized option '--gres=gpu:1'");
    const none = spawnSync(srun, ['-n', '2'], { encoding: 'utf8' });
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('srun: error: no command given to run');
  });
});
