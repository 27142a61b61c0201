import { jobSpecDefaults, type JobSpec } from '../domain/job';
import { SbatchError } from './sbatch-error';
import { LIMITS, cli } from '../../test/sbatch/parse';
import { parseJobSpecInput, validateJobSpec } from './validate-job-spec';

/** A spec using most fields, as the parser builds it. */
const base = (): JobSpec =>
  cli(
    ...['-J', 'sim', '-p', 'batch', '-t', '60', '--time-min=30', '-N', '1-2', '-n', '4', '--ntasks-per-node=2', '-c', '2'],
    ...['--mem-per-gpu=4G', '--gpus-per-node=a100:2', '-a', '0-3%2', '-d', 'afterok:7', '-o', 'o-%j', '-e', 'e-%j', '-D', '/scratch'],
    ...['--signal=B:USR1@30', '--mail-type=END', '--mail-user=ada', '--nice=5', '--exclusive=user', '-L', 'matlab:1', '--reservation=r1'],
    ...['--begin=now+1hour', '--deadline=now+2days', '--export=NONE,A=1', '--propagate=CORE', '--get-user-env=10L', '-k', '-w', 'n[1-2]'],
  );

function refusalOf(spec: unknown, limits = {}): SbatchError {
  try {
    validateJobSpec(spec as JobSpec, limits);
  } catch (e) {
    if (e instanceof SbatchError) return e;
    throw e;
  }
  throw new Error('expected validateJobSpec to refuse the spec');
}

const withField = (patch: Record<string, unknown>) => ({ ...base(), ...patch });

describe('validateJobSpec', () => {
  it('accepts what the parser builds', () => {
    expect(() => validateJobSpec(base())).not.toThrow();
    expect(() => validateJobSpec(cli())).not.toThrow();
  });

  it.each<[string, Record<string, unknown>]>([
    ['name', { name: '' }],
    ['name', { name: 'a\nb' }],
    ['name', { name: 42 }],
    ['partitions[0]', { partitions: ['a b'] }],
    ['partitions', { partitions: ['a', 'a'] }],
    ['timeLimitMinutes', { timeLimitMinutes: 0 }],
    ['timeLimitMinutes', { timeLimitMinutes: 1.5 }],
    ['timeLimitMinutes', { timeLimitMinutes: 99999999 }],
    ['timeMinMinutes', { timeMinMinutes: -2 }],
    ['nodes', { nodes: { min: 5, max: 2 } }],
    ['nodes.min', { nodes: { min: 0, max: 2 } }],
    ['nodes', { nodes: 3 }],
    ['ntasks', { ntasks: 0 }],
    ['ntasks', { ntasks: '4' }],
    ['cpusPerTask', { cpusPerTask: -1 }],
    ['ntasksPerNode', { ntasksPerNode: 1e7 }],
    ['memPerNodeMB/memPerGpuMB', { memPerNodeMB: 100 }],
    ['memPerCpuMB', { memPerGpuMB: null, memPerCpuMB: 0 }],
    ['memPerNodeMB', { memPerGpuMB: null, memPerNodeMB: 2 ** 40 }],
    ['gpus.count', { gpus: { count: 0, type: null, per: 'job' } }],
    ['gpus.per', { gpus: { count: 1, type: null, per: 'socket' } }],
    ['gpus.type', { gpus: { count: 1, type: 'a b', per: 'job' } }],
    ['array.indices', { array: { indices: [], maxConcurrent: null } }],
    ['array.indices[1]', { array: { indices: [3, 1], maxConcurrent: null } }],
    ['array.indices[1]', { array: { indices: [1, 1], maxConcurrent: null } }],
    ['array.indices[0]', { array: { indices: [-1], maxConcurrent: null } }],
    ['array.maxConcurrent', { array: { indices: [1], maxConcurrent: 0 } }],
    ['dependency.mode', { dependency: { mode: 'some', items: [] } }],
    ['dependency.items', { dependency: { mode: 'all', items: [] } }],
    ['dependency.items[0].type', { dependency: { mode: 'all', items: [{ type: 'expand', jobIds: [1], delayMinutes: null }] } }],
    ['dependency.items[0].jobIds', { dependency: { mode: 'all', items: [{ type: 'singleton', jobIds: [1], delayMinutes: null }] } }],
    ['dependency.items[0].jobIds', { dependency: { mode: 'all', items: [{ type: 'afterok', jobIds: [], delayMinutes: null }] } }],
    ['dependency.items[0].jobIds[0]', { dependency: { mode: 'all', items: [{ type: 'afterok', jobIds: [0], delayMinutes: null }] } }],
    ['dependency.items[0].arrayTaskIds', { dependency: { mode: 'all', items: [{ type: 'afterok', jobIds: [1], arrayTaskIds: [], delayMinutes: null }] } }],
    ['dependency.items[0].delayMinutes', { dependency: { mode: 'all', items: [{ type: 'afterok', jobIds: [1], delayMinutes: 5 }] } }],
    ['output', { output: '' }],
    ['workdir', { workdir: 'a\0b' }],
    ['openMode', { openMode: 'overwrite' }],
    ['export.mode', { export: { mode: 'SOME', vars: {} } }],
    ['export.vars.1X', { export: { mode: 'ALL', vars: { '1X': 'a' } } }],
    ['environment.A', { environment: { A: 1 } }],
    ['environment.', { environment: { '': 'x' } }],
    ['account', { account: 'two words' }],
    ['comment', { comment: 'a\nb' }],
    ['exclusive', { exclusive: 'yes' }],
    ['requeue', { requeue: 1 }],
    ['begin', { begin: 'tomorrow' }],
    ['deadline', { deadline: '2030-13-45T00:00:00Z' }],
    ['signal.signal', { signal: { signal: 'SIGUSR1', seconds: 30, batchOnly: false } }],
    ['signal.seconds', { signal: { signal: 'USR1', seconds: 70000, batchOnly: false } }],
    ['mailType[0]', { mailType: ['WEEKLY'] }],
    ['mailType', { mailType: ['END', 'END'] }],
    ['nice', { nice: 2 ** 31 }],
    ['scriptArgs[0]', { scriptArgs: [null] }],
    ['script', { script: 'echo hi' }],
    ['script', { script: '#!/bin/sh\r\necho\r\n' }],
    ['script', { script: '#!/bin/sh\n\0' }],
    ['script', { script: '#!/bin/sh\n\uD800' }],
    ['exclusiveScope', { exclusive: false }],
    ['oversubscribe', { oversubscribe: true }],
    ['nodeList', { nodeList: 'a b' }],
    ['priority', { priority: -1 }],
    ['reservations', { reservations: [] }],
    ['licenses[0].name', { licenses: [{ name: 'a b', count: 1 }] }],
    ['propagate[0]', { propagate: ['core'] }],
    ['getUserEnv.mode', { getUserEnv: { timeoutSeconds: null, mode: 'X' } }],
    ['noKill', { noKill: undefined }],
    ['colour', { colour: 'blue' }],
  ])('refuses a bad %s', (field, patch) => {
    const error = refusalOf(withField(patch));
    expect(error.details).toMatchObject({ field });
    expect(error.message).toMatch(new RegExp(`^invalid JobSpec field ${field.replace(/[.[\]/]/g, '\\$&')} = .*: .*expected `));
  });

  it('refuses a missing field and a non-object', () => {
    const { export: _export, ...missing } = base();
    expect(refusalOf(missing).message).toBe('invalid JobSpec field export = missing: expected the field to be present (null when not set)');
    expect(refusalOf(null).details).toMatchObject({ field: 'spec' });
    expect(refusalOf([]).details).toMatchObject({ field: 'spec' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['timeMinMinutes', { timeMinMinutes: 90 }, 'invalid JobSpec: timeMinMinutes (90) is longer than the time limit timeLimitMinutes (60)'],
    ['deadline', { deadline: '2000-01-01T00:00:00.000Z' }, 'comes before the begin time begin'],
    ['memPerGpuMB', { gpus: null }, 'memPerGpuMB (4096) asks for memory per GPU, but the job requests no GPU'],
    ['gpus', { gpus: { count: 1, type: null, per: 'task' }, ntasks: null }, 'counts GPUs per task, but the job gives no task count'],
    ['ntasks', { ntasks: 1, nodes: { min: 2, max: 2 } }, 'ntasks (1) is fewer than the 2 nodes of nodes'],
    ['ntasks', { ntasks: 5 }, 'ntasks (5) cannot be placed: ntasksPerNode (2) on at most 2 node(s)'],
  ])('refuses inconsistent options (%s)', (field, patch, message) => {
    const error = refusalOf(withField(patch));
    expect(error.details).toMatchObject({ field });
    expect(error.message).toContain(message);
  });

  it('applies the site\'s limits when given, Slurm\'s absolute ones otherwise', () => {
    const spec = withField({ array: { indices: [0, 5000], maxConcurrent: null } });
    expect(() => validateJobSpec(spec as JobSpec)).not.toThrow();
    expect(refusalOf(spec, { maxArraySize: 1001 }).message).toContain('array.indices[1] = 5000: expected an index from 0 to 1000');
    expect(refusalOf(withField({ array: { indices: [4_000_001], maxConcurrent: null } })).details).toMatchObject({ field: 'array.indices[0]' });
    expect(refusalOf(base(), { maxScriptBytes: 4 }).details).toMatchObject({ field: 'script', allowed: 'at most 4 bytes' });
  });
});

describe('parseJobSpecInput', () => {
  const SCRIPT = '#!/bin/sh\necho hi\n';
  const refusal = (input: unknown) => {
    try {
      parseJobSpecInput(input, LIMITS);
    } catch (e) {
      if (e instanceof SbatchError) return e;
      throw e;
    }
    throw new Error('expected parseJobSpecInput to refuse the input');
  };

  it('gives absent fields the value sbatch gives an absent option, and keeps what was given', () => {
    const spec = parseJobSpecInput({ script: SCRIPT, ntasks: 2, image: 'bash:5' }, LIMITS);
    expect(spec).toEqual({ ...jobSpecDefaults(), script: SCRIPT, ntasks: 2, image: 'bash:5' });
    expect(spec).not.toHaveProperty('oversubscribe');
    expect(spec).toStrictEqual(validateJobSpec(spec, LIMITS));
  });

  it('refuses an unknown field by name, listing the known ones', () => {
    const e = refusal({ script: SCRIPT, colour: 'blue' });
    expect(e.message).toMatch(/^invalid JobSpec field colour = "blue": unknown field; expected only JobSpec fields \(name, partitions, .*, image\)$/);
    expect(refusal({ script: SCRIPT, gpus: { count: 1, type: null, per: 'job', model: 'x' } }).details).toMatchObject({ field: 'gpus.model', allowed: 'only GpuRequest fields (count, type, per)' });
  });

  it('refuses null where sbatch has no "unset" (a null is not an absent field)', () => {
    expect(refusal({ script: SCRIPT, name: null }).message).toBe('invalid JobSpec field name = null: expected a job name of 1 to 255 characters without control characters');
    expect(refusal({ script: SCRIPT, image: null }).details).toMatchObject({ field: 'image' });
  });

  it('names defaulted fields by their defaults in a rule over several fields', () => {
    expect(refusal({ script: SCRIPT, gpus: { count: 1, type: null, per: 'task' } }).message).toBe(
      'invalid JobSpec: gpus ({"count":1,"type":null,"per":"task"}) counts GPUs per task, but the job gives no task count; expected -n/--ntasks together with --gpus-per-task',
    );
  });

  it("applies the site's limits and keeps a variable named __proto__", () => {
    expect(refusal({ script: SCRIPT, array: { indices: [LIMITS.maxArraySize], maxConcurrent: null } }).details).toMatchObject({ field: 'array.indices[0]' });
    const environment = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    expect(Object.keys(parseJobSpecInput({ script: SCRIPT, environment }, LIMITS).environment)).toEqual(['__proto__']);
  });
});
