import { type JobSpec, type ValidJobSpec, ABSOLUTE_MAX_ARRAY_SIZE, CROSS_RULES } from '../domain/job';
import { buildJobSpec, Origins } from './build-job-spec';
import { ClientOptions, emptyCollected, describeOrigin } from './collected-options';
import { scanDirectives } from './directives';
import { readEnvOptions } from './env-options';
import { Occurrence, Token, getopt } from './getopt';
import { checkArgvStrings, hetJobError, isHetJobSeparator } from './input-checks';
import { applyOption, checkVerboseQuiet } from './option-handlers';
import { optionLabel } from './option-table';
import { COMMAND_LINE, SbatchError, describeSource, detailValue, quoteValue, sourceDetails } from './sbatch-error';
import { ParseLimits } from './sbatch-limits';
import { checkScript } from './script-checks';
import { validateJobSpec } from './validate-job-spec';

export interface ParseInput {
  /** The script body; null only with --wrap among the options. */
  script: string | null;
  /** sbatch command-line options: everything before the script name. */
  optionArgs: string[];
  /** Arguments after the script name. */
  scriptArgs: string[];
  /** The submitter's environment: SBATCH_* input variables and the --export=ALL source. */
  env: Record<string, string>;
  /** File name for the default job name; null = the script came on stdin ("sbatch"). */
  scriptName: string | null;
  /** The reference for --begin/--deadline relative forms; default: the current time. */
  now?: Date;
}

export interface ParseResult {
  /** Checked against the JobSpec schema here, once: the submission does not check it again. */
  spec: ValidJobSpec;
  client: ClientOptions;
  /** What sbatch would print as a warning (e.g. #SLURM directives, a node count lowered to the task count). */
  warnings: string[];
}

/** What sbatch --wrap submits. */
export function wrapScript(command: string): string {
  return `#!/bin/sh\n# This script was created by sbatch --wrap.\n\n${command}\n`;
}

function checkLimits(limits: ParseLimits): void {
  if (!Number.isSafeInteger(limits?.maxArraySize) || limits.maxArraySize < 1 || limits.maxArraySize > ABSOLUTE_MAX_ARRAY_SIZE) {
    throw new Error(`sbatch parse limits: maxArraySize must be a whole number from 1 to ${ABSOLUTE_MAX_ARRAY_SIZE}, got ${limits?.maxArraySize}`);
  }
  if (!Number.isSafeInteger(limits.maxScriptBytes) || limits.maxScriptBytes < 1) {
    throw new Error(`sbatch parse limits: maxScriptBytes must be a positive whole number, got ${limits.maxScriptBytes}`);
  }
}

/** Input arrives from GraphQL and the CLI: refuse wrong shapes with an SbatchError, never a TypeError. */
function checkInput(input: ParseInput): void {
  if (typeof input !== 'object' || input === null) throw new SbatchError('the submission must be an object', { field: 'input' });
  if (input.script !== null && typeof input.script !== 'string') throw new SbatchError('script must be a string or null', { field: 'script' });
  checkArgvStrings(input.optionArgs, 'optionArgs');
  checkArgvStrings(input.scriptArgs, 'scriptArgs');
  if (input.scriptName !== null && (typeof input.scriptName !== 'string' || input.scriptName.includes('\0'))) {
    throw new SbatchError('scriptName must be null or a file name without NUL', { field: 'scriptName' });
  }
  if (typeof input.env !== 'object' || input.env === null || Array.isArray(input.env)) {
    throw new SbatchError('env must be an object of NAME: value strings', { field: 'env' });
  }
  for (const [name, value] of Object.entries(input.env)) {
    if (name === '' || name.includes('=') || name.includes('\0')) {
      throw new SbatchError(`env: ${quoteValue(name)} is not an environment variable name (non-empty, without "=" or NUL)`, { field: 'env' });
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new SbatchError(`env.${name} must be a string without NUL characters`, { field: `env.${name}` });
    }
  }
  if (input.now !== undefined && (!(input.now instanceof Date) || Number.isNaN(input.now.getTime()))) {
    throw new SbatchError('now must be a valid Date', { field: 'now' });
  }
}

/** A word where an option was expected: sbatch stops there and refuses the rest. */
function strayWord(token: Token, inScript: boolean): SbatchError {
  if (isHetJobSeparator(token.text)) return hetJobError(token.text, token.source);
  const where = describeSource(token.source);
  const message = inScript
    ? `Invalid directive found in batch script: ${quoteValue(token.text)} (${where}); every #SBATCH word must be an option or an option's value (quote values that contain spaces)`
    : `unexpected argument ${quoteValue(token.text)} among the sbatch options (${where}); the script and its arguments are given separately`;
  return new SbatchError(message, { value: detailValue(token.text), allowed: 'options such as --time=10', ...sourceDetails(token.source) });
}

/** Cross-option rules, reported with the options and sources the user wrote. */
function checkCrossRules(spec: JobSpec, origins: Origins): void {
  for (const rule of CROSS_RULES) {
    if (!rule.violated(spec)) continue;
    const name = (field: keyof JobSpec) => {
      const origin = origins[field];
      return origin ? describeOrigin(origin) : `the default ${field}`;
    };
    const origin = origins[rule.field];
    throw new SbatchError(`${rule.message(name, spec)}: expected ${rule.allowed}`, {
      ...(origin ? { option: origin.option, ...(origin.value !== null ? { value: detailValue(origin.value) } : {}), ...sourceDetails(origin.source) } : {}),
      allowed: rule.allowed,
    });
  }
}

/** The script to parse: the given body, or the one --wrap builds (sbatch refuses both together). */
function scriptBody(input: ParseInput, wrap: Occurrence | undefined): string {
  if (!wrap) {
    if (input.script === null) {
      throw new SbatchError('no batch script: give a script file, pipe one on standard input, or use --wrap="command"', {
        field: 'script',
        allowed: 'a script or --wrap',
      });
    }
    return input.script;
  }
  const command = wrap.value ?? '';
  const where = { option: '--wrap', source: 'command line' };
  if (input.script !== null) {
    throw new SbatchError('a batch script and --wrap cannot be used together: --wrap builds the script from its command', {
      ...where,
      allowed: 'either a script or --wrap',
    });
  }
  if (input.scriptArgs.length > 0) {
    throw new SbatchError(`Script arguments not permitted with --wrap option: got ${input.scriptArgs.map(quoteValue).join(' ')}`, {
      ...where,
      allowed: 'no script arguments with --wrap',
    });
  }
  if (command.trim() === '') {
    throw new SbatchError(`invalid --wrap value ${quoteValue(command)} (command line): expected a command to run`, { ...where, value: command, allowed: 'a command' });
  }
  return wrapScript(command);
}

/**
 * Parses an sbatch submission exactly as Slurm's sbatch (22.05+) would: `#SBATCH` directives,
 * then SBATCH_* variables, then the command line, the later overriding the earlier. Bad input is
 * refused with an SbatchError naming the option, its source, the value and what is allowed.
 */
export function parseBatchScript(input: ParseInput, limits: ParseLimits): ParseResult {
  checkLimits(limits);
  checkInput(input);
  const now = input.now ?? new Date();

  const cliTokens: Token[] = input.optionArgs.map((text) => ({ text, source: COMMAND_LINE }));
  const cli = getopt(cliTokens);
  if (cli.restIndex < cliTokens.length) throw strayWord(cliTokens[cli.restIndex], false);

  const wrap = cli.occurrences.filter((o) => o.def.id === 'wrap').pop();
  const script = scriptBody(input, wrap);
  checkScript(script, limits);
  const scan = scanDirectives(script);
  const directives = getopt(scan.tokens);
  if (directives.restIndex < scan.tokens.length) throw strayWord(scan.tokens[directives.restIndex], true);
  const fromEnv = readEnvOptions(input.env);

  const collected = emptyCollected();
  const ordered: Occurrence[] = [...directives.occurrences, ...fromEnv, ...cli.occurrences.filter((o) => o.def.id !== 'wrap')];
  for (const occurrence of ordered) {
    const origin = { option: optionLabel(occurrence.def.id), value: occurrence.value, source: occurrence.source };
    applyOption(collected, occurrence.def.id, origin, { limits, now });
  }
  checkVerboseQuiet(collected);

  const warnings = [...scan.warnings];
  const { spec, origins } = buildJobSpec(
    collected,
    { script, scriptArgs: input.scriptArgs, env: input.env, scriptName: input.scriptName, wrapped: wrap !== undefined },
    warnings,
  );
  checkCrossRules(spec, origins);
  // The parser's own guarantee: what it returns is what every engine may rely on.
  const valid = validateJobSpec(spec, limits);
  const { parsable, wait, testOnly, json, quiet } = collected.client;
  return { spec: valid, client: { parsable, wait, testOnly, json, quiet }, warnings };
}
