import fc from 'fast-check';
import { DomainError } from '../../common/domain-error';
import { expandForProcess, parseArguments, parseEnvironment, parseSubmitDescription, SubmitDescription } from '../../../test/htcondor/submit-description-parser';
import type { EngineJob } from '../engine';
import { engineJob, testNonce } from '../../../test/local-engine/job-fixtures';
import { htcondorPartitionSchema, type HtcondorPartition } from './htcondor-partition';
import { TranslateContext, translateJob } from './translate-job';
import { parseBatchScript } from '../../sbatch/parse-batch-script';
import { LIMITS, NOW } from '../../../test/sbatch/parse';

const partition = (name: string, keys: Record<string, unknown>): HtcondorPartition => ({ ...htcondorPartitionSchema.parse(keys), name });
const nightly = partition('nightly', { machineAttributes: { NodeSet: 'nightly' }, requirements: 'TARGET.Memory >= 2048', jobAttributes: { NodeSet: 'nightly' } });
const ctx: TranslateContext = { engine: 'pool', site: 'site1', clusterName: 'site1', partition: nightly, stageRoot: '.hpcg/htcondor', requeueRetries: 3, gatesHonoured: true };

function translate(job: EngineJob, over: Partial<TranslateContext> = {}): SubmitDescription {
  return parseSubmitDescription(translateJob(job, { ...ctx, ...over }).description);
}

function withHome(job: EngineJob): EngineJob {
  return { ...job, owner: { username: 'alice', uid: 1001, gid: 1001, groups: [], home: '/home/alice' } };
}

describe('HTCondor translation', () => {
  it('writes a plain job as one vanilla-universe process aimed at the partition node set, tagged with the gateway job id', () => {
    const d = translate(withHome(engineJob(42, '/home/alice/run', { name: 'calib', cpusPerTask: 4, memPerCpuMB: 512, scriptArgs: ['a b', "it's"] }, { timeLimitMinutes: 90 })));
    expect(Object.fromEntries(d.commands)).toMatchObject({
      universe: 'vanilla',
      executable: '/home/alice/.hpcg/htcondor/42/script',
      arguments: `"'a b' 'it''s'"`,
      initialdir: '/home/alice/run',
      request_cpus: '4',
      request_memory: '2048MB',
      output: '/home/alice/run/slurm-42.out',
      error: '/home/alice/run/slurm-42.out',
      log: '/home/alice/.hpcg/htcondor/42/events.log',
      allowed_execute_duration: '5400',
      requirements: '(TARGET.NodeSet == "nightly") && (TARGET.Memory >= 2048)',
    });
    expect(parseArguments(d.commands.get('arguments') as string)).toEqual(['a b', "it's"]);
    expect(Object.fromEntries(d.attributes)).toEqual({ NodeSet: '"nightly"', GatewayJobId: '42', GatewayNonce: `"${testNonce(42)}"`, GatewaySite: '"site1"', JobBatchName: '"calib"' });
    expect(d.queue).toEqual({ count: 1, itemsClause: null });
    const env = parseEnvironment(d.commands.get('environment') as string);
    expect(env).toMatchObject({ SLURM_JOB_ID: '42', SLURM_JOB_NAME: 'calib', SLURM_CPUS_PER_TASK: '4', SLURM_SUBMIT_DIR: '/home/alice/run', SLURM_JOB_PARTITION: 'debug' });
    expect(env).not.toHaveProperty('SLURM_ARRAY_TASK_ID');
    expect(env).not.toHaveProperty('SLURMD_NODENAME');
    for (const key of ['hold', 'deferral_time', 'max_retries', 'max_materialize', 'request_gpus']) expect(d.commands.has(key)).toBe(false);
  });

  it('maps the processes of a sparse array to its task ids, files and throttle', () => {
    const job = withHome(engineJob(50, '/home/alice/run', { array: { indices: [1, 7, 20], maxConcurrent: 2 }, output: 'out-%A_%a.txt', error: 'err-%j.txt' }));
    const d = translate(job);
    expect(d.queue.count).toBe(3);
    expect(d.commands.get('max_materialize')).toBe('2');
    const env = parseEnvironment(d.commands.get('environment') as string);
    expect([0, 1, 2].map((p) => expandForProcess(env.SLURM_ARRAY_TASK_ID, p))).toEqual(['1', '7', '20']);
    expect([0, 1, 2].map((p) => expandForProcess(env.SLURM_JOB_ID, p))).toEqual(['50', '51', '52']);
    expect(env).toMatchObject({ SLURM_ARRAY_JOB_ID: '50', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '20' });
    expect([0, 1, 2].map((p) => expandForProcess(d.commands.get('output') as string, p))).toEqual(['/home/alice/run/out-50_1.txt', '/home/alice/run/out-50_7.txt', '/home/alice/run/out-50_20.txt']);
    expect([0, 1, 2].map((p) => expandForProcess(d.commands.get('error') as string, p))).toEqual(['/home/alice/run/err-50.txt', '/home/alice/run/err-51.txt', '/home/alice/run/err-52.txt']);
    expect([0, 1, 2].map((p) => expandForProcess(d.attributes.get('GatewayArrayIndex') as string, p))).toEqual(['1', '7', '20']);
  });

  it('keeps only the tasks left of a stepped array (0-30:10 with task 10 cancelled in the gateway)', () => {
    const job = engineJob(60, '/tmp/w', { array: { indices: [0, 10, 20, 30], maxConcurrent: null } });
    const d = translate({ ...job, tasks: job.tasks.filter((t) => t.index !== 10) });
    expect(d.queue.count).toBe(3);
    expect(d.commands.has('max_materialize')).toBe(false);
    const env = parseEnvironment(d.commands.get('environment') as string);
    expect([0, 1, 2].map((p) => expandForProcess(env.SLURM_ARRAY_TASK_ID, p))).toEqual(['0', '20', '30']);
    expect(env.SLURM_ARRAY_TASK_STEP).toBe('10');
    expect(expandForProcess(d.commands.get('output') as string, 2)).toBe('/tmp/w/slurm-60_30.out');
  });

  it('expresses --requeue, --hold and --begin, the latter two only while the gateway has not honoured them', () => {
    const begin = '2030-01-02T03:04:05.000Z';
    const job = engineJob(70, '/tmp/w', { requeue: true, hold: true, begin });
    const shown = translate(job, { gatesHonoured: false });
    expect(shown.commands.get('max_retries')).toBe('3');
    expect(shown.commands.get('hold')).toBe('true');
    expect(shown.commands.get('deferral_time')).toBe(String(Date.parse(begin) / 1000));
    // A job that missed its --begin (no slot free then) may still start within the window instead of being held.
    expect(shown.commands.get('deferral_window')).toBe('86400');
    const submitted = translate(job);
    expect(submitted.commands.has('hold')).toBe(false);
    expect(submitted.commands.has('deferral_time')).toBe(false);
    expect(submitted.commands.has('deferral_window')).toBe(false);
    expect(submitted.commands.get('max_retries')).toBe('3');
  });

  it('requests GPUs per job or per task, and refuses a GPU model, --mem=0 and several nodes with the reason', () => {
    expect(translate(engineJob(80, '/tmp/w', { ntasks: 2, gpus: { count: 2, type: null, per: 'task' } })).commands.get('request_gpus')).toBe('4');
    expect(translate(engineJob(81, '/tmp/w', { gpus: { count: 1, type: null, per: 'job' } })).commands.get('request_gpus')).toBe('1');
    expect(() => translate(engineJob(82, '/tmp/w', { gpus: { count: 1, type: 'a100', per: 'job' } }))).toThrow(/GPU models/);
    expect(() => translate(engineJob(83, '/tmp/w', { memPerNodeMB: 0 }))).toThrow(/--mem=0/);
    expect(() => translate(engineJob(84, '/tmp/w', { nodes: { min: 2, max: 2 } }))).toThrow(DomainError);
  });

  it('runs a partition with an image in the container universe', () => {
    const d = translate(engineJob(90, '/tmp/w'), { partition: partition('prompt', { image: 'docker://lsst/stack:w_2026_40' }) });
    expect(d.commands.get('universe')).toBe('container');
    expect(d.commands.get('container_image')).toBe('docker://lsst/stack:w_2026_40');
    expect(d.commands.has('requirements')).toBe(false);
  });

  it('quotes any environment value and argument so the job gets exactly what was exported, through condor_submit and the schedd, or refuses it saying why', () => {
    const value = fc.string({ unit: fc.constantFrom('a', 'D', ' ', "'", '"', '$', '$', '(', ')', ':', '\\', '=', ',', 'é', '\t') });
    let refused = 0;
    fc.assert(
      fc.property(value, value, (v1, v2) => {
        const job = engineJob(100, '/tmp/w', { export: { mode: 'ALL', vars: {} }, environment: { PATH: '/usr/bin:/bin', ONE: v1, TWO: v2 }, scriptArgs: [v1, v2] });
        let d: SubmitDescription;
        try {
          d = translate(job);
        } catch (e) {
          refused++;
          expect((e as Error).message).toMatch(/^job 100 cannot be expressed for HTCondor engine pool: (environment variable (ONE|TWO)|an argument) holds ".*", which condor_submit's macro expansion would change however it is written: rewrite that part$/);
          return;
        }
        const env = parseEnvironment(d.commands.get('environment') as string);
        expect([expandForProcess(env.ONE, 0), expandForProcess(env.TWO, 0)]).toEqual([v1, v2]);
        expect(parseArguments(d.commands.get('arguments') as string).map((a) => expandForProcess(a, 0))).toEqual([v1, v2]);
      }),
      { numRuns: 500 },
    );
    // Refusals are the rare nested cases, not the common ones.
    expect(refused).toBeLessThan(50);
  });

  it('writes literal dollars the way condor_submit and the schedd leave them: $$( as $$(DOLLARDOLLAR), a lone $ before ( as $(DOLLAR)', () => {
    const script = ['$(HOME)', 'cost$$', 'x$$(y)', '$$$(z)', '$ENV(HOME)', 'a$b', '$'];
    const d = translate(engineJob(120, '/tmp/w', { scriptArgs: script, export: { mode: 'NONE', vars: { PRICE: 'cost$$(x) $(y)' } } }));
    expect(d.commands.get('arguments')).toBe('"$(DOLLAR)(HOME) cost$$ x$$(DOLLARDOLLAR)(y) $$$(DOLLAR)(z) $(DOLLAR)ENV(HOME) a$b $"');
    expect(parseEnvironment(d.commands.get('environment') as string).PRICE).toBe('cost$$(DOLLARDOLLAR)(x) $(DOLLAR)(y)');
    expect(parseArguments(d.commands.get('arguments') as string).map((a) => expandForProcess(a, 0))).toEqual(script);
    expect(() => translate(engineJob(121, '/tmp/w', { scriptArgs: ['$(DOLLAR)'] }))).toThrow('an argument holds "$(DOLLAR)", which condor_submit\'s macro expansion would change however it is written: rewrite that part');
  });

  it('refuses a value with a line break, naming it', () => {
    const job = engineJob(110, '/tmp/w', { export: { mode: 'ALL', vars: {} }, environment: { MULTI: 'a\nb' } });
    expect(() => translateJob(job, ctx)).toThrow(/MULTI holds a line break/);
  });
});

describe('HTCondor translation of real sbatch scripts, exact submit text', () => {
  it('a script without --mem gets the partition default per CPU; --begin a deferral window; literal dollars survive', () => {
    const script = '#!/bin/bash\n#SBATCH -J price\n#SBATCH -c 2\n#SBATCH --begin=2030-01-02T03:04:05\n#SBATCH --export=NONE,PRICE=cost$$(x)\n./run.sh "$@"\n';
    const { spec } = parseBatchScript({ script, optionArgs: [], scriptArgs: ['x$$(y)', 'cost$$'], env: { HOME: '/home/alice' }, scriptName: '/home/alice/run/price.sh', now: NOW }, LIMITS);
    const job = withHome(engineJob(130, '/home/alice/run', spec, { partition: 'nightly' }));
    const text = translateJob(job, { ...ctx, gatesHonoured: false }).description;
    const lines = text.split('\n');
    const line = (key: string) => lines.find((l) => l.startsWith(`${key} = `));
    expect(line('arguments')).toBe('arguments = "x$$(DOLLARDOLLAR)(y) cost$$"');
    expect(line('request_cpus')).toBe('request_cpus = 2');
    expect(line('request_memory')).toBe('request_memory = 2048MB');
    expect(line('deferral_time')).toBe(`deferral_time = ${Math.ceil(new Date(spec.begin as string).getTime() / 1000)}`);
    expect(line('deferral_window')).toBe('deferral_window = 86400');
    expect(line('environment')).toContain(' PRICE=cost$$(DOLLARDOLLAR)(x) ');
    const d = parseSubmitDescription(text);
    expect(parseArguments(d.commands.get('arguments') as string).map((a) => expandForProcess(a, 0))).toEqual(['x$$(y)', 'cost$$']);
    expect(expandForProcess(parseEnvironment(d.commands.get('environment') as string).PRICE, 0)).toBe('cost$$(x)');
    const withMem = withHome(engineJob(131, '/home/alice/run', { ...spec, memPerCpuMB: 300 }, { partition: 'nightly' }));
    expect(translateJob(withMem, ctx).description).toContain('\nrequest_memory = 600MB\n');
    const site = translateJob(job, { ...ctx, partition: partition('nightly', { defaultMemPerCpuMB: 4000 }) }).description;
    expect(site).toContain('\nrequest_memory = 8000MB\n');
  });
});

describe('the strict submit language reader', () => {
  const good = 'executable = /bin/true\nqueue\n';
  it('accepts a minimal description', () => expect(parseSubmitDescription(good).queue.count).toBe(1));
  it.each([
    ['an unknown command', 'executable = /bin/true\nrequest_cpu = 2\nqueue\n', /not a submit command/],
    ['a malformed queue statement', 'executable = /bin/true\nqueue 3 x y\n', /malformed queue/],
    ['a zero count', 'executable = /bin/true\nqueue 0\n', /at least 1/],
    ['no queue statement', 'executable = /bin/true\n', /no queue/],
    ['a command after queue', 'executable = /bin/true\nqueue\nrequest_cpus = 1\n', /after the queue/],
    ['an old-syntax environment', 'executable = /bin/true\nenvironment = A=1;B=2\nqueue\n', /new syntax/],
    ['an unterminated single quote', `executable = /bin/true\nenvironment = "A='1"\nqueue\n`, /unterminated/],
    ['an undefined macro', 'executable = /bin/$(Nope)\nqueue\n', /not defined/],
    ['a dollar before a name and "("', 'executable = /bin/true\narguments = "$x(5)"\nqueue\n', /not a macro/],
    ['a match-time macro', 'executable = /bin/true\narguments = "$$(Memory)"\nqueue\n', /match-time macro/],
    ['an unterminated ClassAd string', 'executable = /bin/true\n+Set = "nightly\nqueue\n', /unterminated string/],
    ['a non-integer duration', 'executable = /bin/true\nallowed_execute_duration = 1h\nqueue\n', /integer/],
  ])('rejects %s', (_what, text, error) => {
    expect(() => parseSubmitDescription(text)).toThrow(error);
  });
});
