import { ParseInput, ParseResult, parseBatchScript } from '../../src/sbatch/parse-batch-script';
import { SbatchError } from '../../src/sbatch/sbatch-error';
import type { ParseLimits } from '../../src/sbatch/sbatch-limits';

export const LIMITS: ParseLimits = { maxArraySize: 1001, maxScriptBytes: 4 * 1024 * 1024 };

/** Saturday 21 November 2026, 16:34:44 local time: the "now" every relative --begin resolves against. */
export const NOW = new Date(2026, 10, 21, 16, 34, 44);

/** A batch script: a shebang line, then the given lines. */
export function script(...lines: string[]): string {
  return ['#!/bin/bash', ...lines].join('\n') + '\n';
}

export type Submission = Partial<ParseInput> & { lines?: string[] };

export function parse(submission: Submission = {}, limits: ParseLimits = LIMITS): ParseResult {
  const { lines, ...rest } = submission;
  return parseBatchScript(
    { script: script(...(lines ?? ['srun hostname'])), optionArgs: [], scriptArgs: [], env: {}, scriptName: 'job.sh', now: NOW, ...rest },
    limits,
  );
}

/** The options given on the command line of an otherwise empty job. */
export const cli = (...optionArgs: string[]) => parse({ optionArgs }).spec;

/** The options given as #SBATCH lines. */
export const directives = (...lines: string[]) => parse({ lines: [...lines, 'srun hostname'] }).spec;

/** The SbatchError a submission is refused with; fails the test when it is accepted. */
export function refusal(submission: Submission, limits: ParseLimits = LIMITS): SbatchError {
  try {
    parse(submission, limits);
  } catch (e) {
    if (e instanceof SbatchError) return e;
    throw e;
  }
  throw new Error(`expected the submission to be refused: ${JSON.stringify(submission)}`);
}

export const cliRefusal = (...optionArgs: string[]) => refusal({ optionArgs });
export const directiveRefusal = (...lines: string[]) => refusal({ lines: [...lines, 'srun hostname'] });
