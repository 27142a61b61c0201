import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { engineJob, testNonce } from '../../../test/local-engine/job-fixtures';
import { quoteCommand } from '../command-runner/shell-quote';
import { ownerCommand, type CommandContext } from '../command-runner/owner-command';
import { claimedNonce, dependencyArg, droppedVariables, jobTag, neutraliseDirectives, translateJob } from './translate-job';

const ctx: CommandContext = { submitAs: 'ssh-user', fixedEnv: { SLURM_CONF: '/etc/slurm/test.conf' }, binDir: '/usr/bin' };

/** The argv a login shell hands to the program after reading the SSH runner's one line. */
function throughLoginShell(argv: string[]): string[] {
  return execFileSync('/bin/bash', ['-c', quoteCommand(['printf', '%s\\0', ...argv])], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

describe('Slurm translation', () => {
  it('passes dependencies on jobs of the cluster as --dependency with Slurm job ids, array tasks and "?"', () => {
    const afterok = { type: 'afterok' as const, targets: [{ ref: '12', arrayIndex: null }, { ref: '13', arrayIndex: 4 }], delayMinutes: null };
    const after = { type: 'after' as const, targets: [{ ref: '14', arrayIndex: null }], delayMinutes: 5 };
    expect(dependencyArg({ mode: 'all', items: [afterok, after] })).toBe('afterok:12:13_4,after:14+5');
    expect(dependencyArg({ mode: 'any', items: [afterok, { ...after, type: 'afternotok' }] })).toBe('afterok:12:13_4?afternotok:14');
    const plan = translateJob(engineJob(7, '/tmp', {}, { dependency: { mode: 'all', items: [afterok] } }), 'site1');
    expect(plan.args).toContain('--dependency=afterok:12:13_4');
    expect(translateJob(engineJob(7, '/tmp'), 'site1').args.some((a) => a.startsWith('--dependency'))).toBe(false);
  });

  it('turns a JobSpec into sbatch options, the tag and the remaining array tasks', () => {
    const job = engineJob(42, '/home/alice/run', { name: 'sweep', array: { indices: [0, 1, 2, 5, 7, 8], maxConcurrent: 2 }, output: 'arr-%A_%a.out', comment: 'mine', cpusPerTask: 4, memPerCpuMB: 512, gpus: { count: 2, type: 'a100', per: 'node' } }, { timeLimitMinutes: 90 });
    const plan = translateJob({ ...job, tasks: job.tasks.filter((t) => t.index !== 1) }, 'site1');
    expect(plan.args).toEqual([
      '--parsable',
      '--job-name=sweep',
      '--chdir=/home/alice/run',
      `--comment=hpcg:site1:42:${testNonce(42)} mine`,
      '--partition=debug',
      '--time=90',
      '--cpus-per-task=4',
      '--mem-per-cpu=512M',
      '--gpus-per-node=a100:2',
      '--array=0,2,5,7-8%2',
      '--output=arr-%A_%a.out',
      '--export=ALL',
    ]);
  });

  it('tags carry the nonce; a comment claiming the id is read with whatever nonce it carries, other ids and sites are not claims', () => {
    const nonce = '0123456789abcdef0123456789abcdef';
    expect(jobTag('site1', 42, nonce)).toBe(`hpcg:site1:42:${nonce}`);
    expect(claimedNonce(`hpcg:site1:42:${nonce}`, 'site1', 42)).toEqual({ nonce });
    expect(claimedNonce(`hpcg:site1:42:${nonce} my own: comment`, 'site1', 42)).toEqual({ nonce });
    // A forger who knows the format but not the nonce: still a claim on job 42, with the wrong nonce.
    expect(claimedNonce('hpcg:site1:42:guess', 'site1', 42)).toEqual({ nonce: 'guess' });
    expect(claimedNonce('hpcg:site1:42:', 'site1', 42)).toEqual({ nonce: '' });
    // Tags of an older gateway (no nonce) claim the id but can never match a nonce.
    expect(claimedNonce('hpcg:site1:42', 'site1', 42)).toEqual({ nonce: null });
    expect(claimedNonce('hpcg:site1:42 mine', 'site1', 42)).toEqual({ nonce: null });
    for (const other of ['hpcg:site1:421', `hpcg:site1:421:${nonce}`, `hpcg:site2:42:${nonce}`, `hpcg:site1:4:${nonce}`, `x hpcg:site1:42:${nonce}`, '']) {
      expect(claimedNonce(other, 'site1', 42)).toBeNull();
    }
  });

  it('exports values through the environment, never inside --export, and drops the submitter\'s SBATCH_/SLURM_ variables', () => {
    const plan = translateJob(engineJob(1, '/w', { export: { mode: 'NONE', vars: { A: 'x,y=z', B: null } }, environment: { B: 'from-env', SLURM_CONF: '/other', SBATCH_PARTITION: 'gpu', C: 'c' } }), 's');
    expect(plan.args).toContain('--export=A,B');
    expect(plan.env).toEqual({ A: 'x,y=z', B: 'from-env' });
    const all = translateJob(engineJob(1, '/w', { environment: { SBATCH_TIMELIMIT: '5', KEEP: '1' } }), 's').env;
    expect(all.KEEP).toBe('1');
    expect(all).not.toHaveProperty('SBATCH_TIMELIMIT');
  });

  it('leaves out the submitter\'s variables whose names are not identifiers (Lmod\'s BASH_FUNC_module%%), and names them', () => {
    const environment = { 'BASH_FUNC_module%%': '() {  eval $($LMOD_CMD bash "$@")\n}', 'A-B': '1', KEEP: 'yes' };
    const job = engineJob(1, '/w', { environment });
    const env = translateJob(job, 's').env;
    expect(env).toMatchObject({ KEEP: 'yes' });
    expect(Object.keys(env).filter((k) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))).toEqual([]);
    expect(droppedVariables(job)).toEqual(['BASH_FUNC_module%%', 'A-B']);
    // Under --export=NONE nothing of the submitter's is passed, so nothing is dropped.
    expect(droppedVariables(engineJob(1, '/w', { environment, export: { mode: 'NONE', vars: {} } }))).toEqual([]);
  });

  it('under --export=ALL lays the submitter\'s environment over a login base with the owner\'s home, so an API submission has HOME, USER and PATH', () => {
    const owner = { username: 'alice', uid: 1001, gid: 1001, groups: [], home: '/home/alice' };
    const login = { HOME: '/home/alice', USER: 'alice', LOGNAME: 'alice', PATH: '/usr/local/bin:/usr/bin:/bin' };
    // A notebook: the gateway submits with only JupyterHub's variables.
    expect(translateJob(engineJob(1, '/w', { environment: { JUPYTERHUB_USER: 'alice' } }, { owner }), 's').env).toEqual({ ...login, JUPYTERHUB_USER: 'alice' });
    // The submitter's values win, except HOME: the job runs as its owner.
    expect(translateJob(engineJob(1, '/w', { environment: { PATH: '/opt/bin:/usr/bin', HOME: '/root', X: '1' } }, { owner }), 's').env).toEqual({ ...login, PATH: '/opt/bin:/usr/bin', X: '1' });
    // An owner whose home the gateway does not know gets none made up.
    expect(translateJob(engineJob(1, '/w', { environment: {} }, { owner: { ...owner, home: null } }), 's').env).toEqual({ USER: 'alice', LOGNAME: 'alice', PATH: login.PATH });
    // --export=NONE stays Slurm's: nothing of the submitter's.
    expect(translateJob(engineJob(1, '/w', { export: { mode: 'NONE', vars: {} } }, { owner }), 's').env).toEqual({});
  });

  it('turns #SBATCH directives into comments so Slurm cannot re-read gateway ids or holds; the body stays', () => {
    const script = '#!/bin/bash\n#SBATCH --dependency=afterok:12\n\n#SBATCH -H\necho hi\n#SBATCH --not-a-directive-any-more\n';
    expect(neutraliseDirectives(script)).toBe('#!/bin/bash\n#HPCG-SBATCH --dependency=afterok:12\n\n#HPCG-SBATCH -H\necho hi\n#SBATCH --not-a-directive-any-more\n');
  });

  it('no job name, path, comment or environment value can break out of its argument on the way to the login node', () => {
    // Empty values are never options at all (the parser gives none), so every value has a character.
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map((s) => s.replace(/\0/g, '') || ' ');
    fc.assert(
      fc.property(text, text, text, text, (name, output, comment, value) => {
        const job = engineJob(7, `/home/u/${output}`, { name, output, comment, environment: { VALUE: value } });
        const plan = translateJob(job, 'site');
        const argv = ownerCommand(ctx, job.owner, '/usr/bin/sbatch', plan.args, plan.env, plan.script).argv;
        const seen = throughLoginShell(argv);
        expect(seen).toEqual(argv);
        expect(seen).toContain(`--job-name=${name}`);
        expect(seen).toContain(`--output=${output}`);
        expect(seen).toContain(`--comment=hpcg:site:7:${job.nonce} ${comment}`);
        expect(seen).toContain(`VALUE=${value}`);
      }),
      { numRuns: 150 },
    );
  });
});
