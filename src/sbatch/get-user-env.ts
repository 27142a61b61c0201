import { type GetUserEnvSpec, MAX_GET_USER_ENV_SECONDS } from '../domain/job';
import { ValueError } from './value-error';

const ALLOWED = `[TIMEOUT][S|L]: a timeout in seconds (1-${MAX_GET_USER_ENV_SECONDS}) and/or S (su without -) or L (login shell), e.g. 10, 10L, S`;

/** --get-user-env[=timeout][mode] (sbatch(1)). */
export function parseGetUserEnv(value: string | null): GetUserEnvSpec {
  if (value === null || value === '') return { timeoutSeconds: null, mode: null };
  const m = /^(\d*)([SL]?)$/.exec(value);
  if (!m) throw new ValueError(ALLOWED);
  let timeoutSeconds: number | null = null;
  if (m[1] !== '') {
    timeoutSeconds = m[1].length > 6 ? Infinity : Number(m[1]);
    if (timeoutSeconds < 1 || timeoutSeconds > MAX_GET_USER_ENV_SECONDS) throw new ValueError(ALLOWED, `a timeout of ${m[1]} seconds is out of range`);
  }
  return { timeoutSeconds, mode: m[2] === '' ? null : (m[2] as 'S' | 'L') };
}
