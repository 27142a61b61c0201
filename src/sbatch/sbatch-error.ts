import { DomainError, ErrorCode } from '../common/domain-error';

/** Where an option came from; precedence is command line > environment > script. */
export type Source = { kind: 'cli' } | { kind: 'env'; variable: string } | { kind: 'script'; line: number };

export const COMMAND_LINE: Source = { kind: 'cli' };

export interface SbatchErrorDetails {
  option?: string;
  line?: number;
  value?: string;
  allowed?: string;
  /** "command line", "SBATCH_TIMELIMIT environment variable" or "script line 3". */
  source?: string;
  /** The SBATCH_* variable, when the value came from the environment. */
  variable?: string;
  /** JobSpec field path, for errors found by validateJobSpec. */
  field?: string;
}

/** Bad sbatch input: the message says what, where and what is allowed; nothing is submitted. */
export class SbatchError extends DomainError {
  constructor(message: string, details: SbatchErrorDetails = {}) {
    super(ErrorCode.BAD_USER_INPUT, message, { ...details });
    this.name = 'SbatchError';
  }
}

export function describeSource(source: Source): string {
  switch (source.kind) {
    case 'cli':
      return 'command line';
    case 'env':
      return `${source.variable} environment variable`;
    case 'script':
      return `script line ${source.line}`;
  }
}

export function sourceDetails(source: Source): Pick<SbatchErrorDetails, 'source' | 'line' | 'variable'> {
  const details: Pick<SbatchErrorDetails, 'source' | 'line' | 'variable'> = { source: describeSource(source) };
  if (source.kind === 'script') details.line = source.line;
  if (source.kind === 'env') details.variable = source.variable;
  return details;
}

const SHOWN_VALUE_LENGTH = 200;

/** A user value quoted for a message: escapes control characters and keeps messages short. */
export function quoteValue(value: string): string {
  const shown = value.length > SHOWN_VALUE_LENGTH ? `${value.slice(0, SHOWN_VALUE_LENGTH)}…` : value;
  return JSON.stringify(shown);
}

/** The value as kept in error details: bounded so a 4 MiB token cannot bloat an error. */
export function detailValue(value: string): string {
  return value.length > 1000 ? value.slice(0, 1000) : value;
}
