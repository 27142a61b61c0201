import { MAX_SIGNAL_NUMBER } from './job-spec-limits';

/** The signal names Slurm's sig_name2num knows, with their Linux numbers. */
export const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ABRT: 6,
  KILL: 9,
  USR1: 10,
  USR2: 12,
  ALRM: 14,
  TERM: 15,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
};

/** A signal as Slurm normalises it: a known name, else the number as text. A JobSpec holds only this form. */
export function normaliseSignal(text: string): string | null {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < 1 || n > MAX_SIGNAL_NUMBER) return null;
    return Object.keys(SIGNAL_NUMBERS).find((name) => SIGNAL_NUMBERS[name] === n) ?? String(n);
  }
  const name = text.toUpperCase().replace(/^SIG/, '');
  return Object.prototype.hasOwnProperty.call(SIGNAL_NUMBERS, name) ? name : null;
}
