import fc from 'fast-check';
import type { JobSpec } from '../domain/job';
import { ENV_OPTION_IDS } from './env-options';
import { LONG_OPTIONS, SHORT_OPTIONS } from './option-table';
import { ParseInput, parseBatchScript } from './parse-batch-script';
import { SbatchError } from './sbatch-error';
import { LIMITS, NOW } from '../../test/sbatch/parse';
import { validateJobSpec } from './validate-job-spec';

/** Any UTF-16 code unit sequence, lone surrogates and control characters included. */
const anyUnit = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('"', "'", '\\', '#', ' ', '\t', '\n', '\r', '\0', '%', ',', ':', '=', '-', '?'),
);
const garbage = (maxLength: number) => fc.string({ unit: anyUnit, maxLength });

const plausibleValue = fc.oneof(
  garbage(12),
  fc.nat({ max: 5000 }).map(String),
  fc.constantFrom('0', '-1', '1-3', '5-1', '0-15:4%2', 'gpu:2', 'gpu:a100:1', 'mps:1', 'a100:2', 'afterok:1:2', 'after:3+5', 'singleton', 'now+1hour', 'tomorrow', '2030-01-02T03:04'),
  fc.constantFrom('ALL', 'NONE,A=1', 'USR1@30', 'B:TERM', 'user', 'off', 'append', 'END,FAIL', '1G', '500M', '1:00:00', 'UNLIMITED', 'debug', 'a,b', ''),
);

const optionWord = fc.oneof(
  fc.tuple(fc.constantFrom(...LONG_OPTIONS.map((d) => d.name)), fc.nat({ max: 5 }), fc.option(plausibleValue)).map(([name, cut, value]) => {
    const spelled = cut > 0 && name.length > cut ? name.slice(0, name.length - cut) : name;
    return value === null ? `--${spelled}` : `--${spelled}=${value}`;
  }),
  fc.tuple(fc.constantFrom(...Object.keys(SHORT_OPTIONS)), plausibleValue).map(([letter, value]) => `-${letter}${value}`),
  fc.constantFrom('--', '-', ':', 'hetjob', '-vQ', '-HW'),
  plausibleValue,
);

const garbageInput: fc.Arbitrary<ParseInput> = fc.record({
  script: fc.oneof(
    fc.constant(null),
    garbage(80),
    fc
      .array(fc.oneof(fc.array(optionWord, { maxLength: 4 }).map((words) => `#SBATCH ${words.join(' ')}`), garbage(20), fc.constantFrom('#SLURM -J x', '', '# c')), { maxLength: 6 })
      .map((lines) => ['#!/bin/sh', ...lines, 'echo done'].join('\n')),
  ),
  optionArgs: fc.array(optionWord, { maxLength: 6 }),
  scriptArgs: fc.array(garbage(10), { maxLength: 3 }),
  env: fc.dictionary(fc.oneof(fc.constantFrom(...Object.keys(ENV_OPTION_IDS)), fc.string({ maxLength: 8 })), plausibleValue, { maxKeys: 4 }),
  scriptName: fc.option(garbage(20)),
  now: fc.constant(NOW),
});

/** Plausible, mostly valid options of a real job, each as the words of one directive. */
const validOption: fc.Arbitrary<string[]> = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/).map((name) => ['-J', name]),
  fc.constantFrom('debug', 'batch,long', 'gpu').map((p) => [`--partition=${p}`]),
  fc.oneof(fc.integer({ min: 1, max: 10000 }).map(String), fc.tuple(fc.nat(23), fc.nat(59), fc.nat(59)).map(([h, m, s]) => `${h}:${m}:${s}`), fc.constantFrom('UNLIMITED', '1-12', '2-00:30:00')).map((t) => ['-t', t]),
  fc.tuple(fc.integer({ min: 1, max: 8 }), fc.nat(4)).map(([min, extra]) => ['-N', extra ? `${min}-${min + extra}` : `${min}`]),
  fc.integer({ min: 1, max: 512 }).map((n) => [`--ntasks=${n}`]),
  fc.integer({ min: 1, max: 64 }).map((n) => ['-c', `${n}`]),
  fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom('', 'M', 'G', 'K')).map(([n, unit]) => [`--mem=${n}${unit}`]),
  fc.tuple(fc.constantFrom('--gpus', '--gpus-per-node', '--gres'), fc.integer({ min: 1, max: 8 }), fc.constantFrom('', 'a100:', 'v100:')).map(([option, n, type]) => [
    option === '--gres' ? `--gres=gpu:${type}${n}` : `${option}=${type}${n}`,
  ]),
  fc.tuple(fc.nat(50), fc.nat(50), fc.integer({ min: 1, max: 5 }), fc.option(fc.integer({ min: 1, max: 9 }))).map(([a, len, step, throttle]) => [
    `--array=${a}-${a + len}:${step}${throttle ? `%${throttle}` : ''}`,
  ]),
  fc.tuple(fc.constantFrom('afterok', 'afterany', 'afternotok'), fc.array(fc.integer({ min: 1, max: 99999 }), { minLength: 1, maxLength: 3 })).map(([type, ids]) => ['-d', `${type}:${ids.join(':')}`]),
  fc.constantFrom('out-%j.log', 'logs/%x_%A_%a.out', '"with space %j.out"').map((o) => ['-o', o]),
  fc.constantFrom('ALL', 'NONE', 'ALL,OMP_NUM_THREADS=4', 'A=1,B').map((e) => [`--export=${e}`]),
  fc.constantFrom('USR1@60', 'B:TERM@300', '10').map((s) => [`--signal=${s}`]),
  fc.constantFrom('END', 'BEGIN,END,FAIL', 'ALL').map((m) => [`--mail-type=${m}`]),
  fc.integer({ min: 1, max: 600 }).map((m) => [`--begin=now+${m}minutes`]),
  fc
    .constantFrom('--exclusive', '--requeue', '--no-requeue', '-H', '--nice=10', '--comment="a b c"', '-A physics', '--qos=high', '--open-mode=append', '--parsable')
    .map((words) => (words === '-A physics' ? ['-A', 'physics'] : [words])),
);

const structuredInput: fc.Arbitrary<ParseInput> = fc
  .record({
    lines: fc.array(fc.array(validOption, { minLength: 1, maxLength: 3 }), { maxLength: 8 }),
    comments: fc.array(fc.constantFrom('', '# comment', '   '), { maxLength: 2 }),
    trailing: fc.constantFrom('', ' # trailing comment'),
    cli: fc.array(validOption, { maxLength: 3 }),
    envTime: fc.option(fc.integer({ min: 1, max: 600 }).map(String)),
    scriptName: fc.option(fc.constantFrom('job.sh', '/home/u/run.sbatch')),
  })
  .map(({ lines, comments, trailing, cli, envTime, scriptName }): ParseInput => ({
    script: ['#!/bin/bash', ...comments, ...lines.map((options) => `#SBATCH ${options.flat().join(' ')}${trailing}`), 'srun ./a.out'].join('\n') + '\n',
    // No shell between the CLI and the parser: directive quoting is dropped.
    optionArgs: cli.flat().map((word) => word.replace(/"/g, '')),
    scriptArgs: [],
    env: envTime ? { SBATCH_TIMELIMIT: envTime, HOME: '/home/u' } : { HOME: '/home/u' },
    scriptName,
    now: NOW,
  }));

/** Parses; returns the spec, null for an SbatchError, and fails on anything else. */
function parseOrRefuse(input: ParseInput): JobSpec | null {
  try {
    return parseBatchScript(input, LIMITS).spec;
  } catch (e) {
    if (e instanceof SbatchError) return null;
    throw e;
  }
}

function checkAccepted(spec: JobSpec): void {
  validateJobSpec(spec, LIMITS);
  expect(JSON.parse(JSON.stringify(spec))).toStrictEqual(spec);
}

describe('parseBatchScript properties', () => {
  it('never crashes on arbitrary scripts, options and environments: only SbatchError, and what it accepts is valid', () => {
    fc.assert(
      fc.property(garbageInput, (input) => {
        const spec = parseOrRefuse(input);
        if (spec) checkAccepted(spec);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts most structured random jobs, and every accepted spec is valid and JSON-safe', () => {
    let accepted = 0;
    let runs = 0;
    fc.assert(
      fc.property(structuredInput, (input) => {
        runs += 1;
        const spec = parseOrRefuse(input);
        if (!spec) return;
        accepted += 1;
        checkAccepted(spec);
      }),
      { numRuns: 500 },
    );
    // Refusals are legitimate (e.g. two GPU options on one line), but the happy path must dominate.
    expect(accepted / runs).toBeGreaterThan(0.6);
  });

  it('a refusal always says where: an option, a field, or a source', () => {
    fc.assert(
      fc.property(garbageInput, (input) => {
        try {
          parseBatchScript(input, LIMITS);
        } catch (e) {
          const details = (e as SbatchError).details;
          expect(details.option !== undefined || details.field !== undefined || details.source !== undefined).toBe(true);
          expect((e as SbatchError).code).toBe('BAD_USER_INPUT');
        }
      }),
      { numRuns: 500 },
    );
  });
});
