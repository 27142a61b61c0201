import { MAX_SIGNAL_NUMBER, MAX_SIGNAL_SECONDS, SIGNAL_NUMBERS, normaliseSignal, type SignalSpec } from '../domain/job';
import { ValueError } from './value-error';

const ALLOWED = `[B:]SIGNAL[@SECONDS] with SIGNAL a number (1-${MAX_SIGNAL_NUMBER}) or one of ${Object.keys(SIGNAL_NUMBERS).join(', ')} (SIG prefix optional) and SECONDS 0-${MAX_SIGNAL_SECONDS} before the time limit (default 60)`;

/** --signal=[{R|B}:]sig_num[@sig_time] (sbatch(1)). */
export function parseSignal(value: string): SignalSpec {
  const m = /^(?:([A-Za-z]{1,2}):)?([^@:]+)(?:@(.*))?$/.exec(value);
  if (!m) throw new ValueError(ALLOWED);
  const flags = (m[1] ?? '').toUpperCase();
  if (flags && !/^(B|R|BR|RB)$/.test(flags)) throw new ValueError(ALLOWED, `"${m[1]}:" is not a signal flag (B: or R:)`);
  if (flags.includes('R')) {
    throw new ValueError(ALLOWED, 'the R: flag (overlap with reservations that have MaxStartDelay) is not supported by this gateway');
  }
  const signal = normaliseSignal(m[2]);
  if (!signal) throw new ValueError(ALLOWED, `"${m[2]}" is not a signal Slurm can send`);
  let seconds = 60;
  if (m[3] !== undefined) {
    if (!/^\d*$/.test(m[3])) throw new ValueError(ALLOWED, `"@${m[3]}" is not a number of seconds`);
    seconds = m[3] === '' ? 0 : m[3].length > 6 ? Infinity : Number(m[3]);
    if (seconds > MAX_SIGNAL_SECONDS) throw new ValueError(ALLOWED, `@${m[3]} is more than ${MAX_SIGNAL_SECONDS} seconds`);
  }
  return { signal, seconds, batchOnly: flags.includes('B') };
}
