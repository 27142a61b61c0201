/**
 * What a load probe reports about a login node, and the score the least-loaded policy compares.
 * The probe command prints three lines: a /proc/loadavg line, the CPU count (nproc), and the
 * number of logged-in users (who | wc -l).
 */
export interface LoadReport {
  load1: number;
  cpus: number;
  users: number;
}

export class LoadReportError extends Error {}

function line(lines: string[], i: number, what: string, output: string): string {
  const text = lines[i]?.trim();
  if (!text) throw new LoadReportError(`probe output has no line ${i + 1} (${what}); the command must print the load average, the CPU count and the user count on three lines; got ${JSON.stringify(output.slice(0, 200))}`);
  return text;
}

export function parseLoadReport(output: string): LoadReport {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const loadLine = line(lines, 0, 'a /proc/loadavg line', output);
  const load1 = Number(loadLine.split(/\s+/, 1)[0]);
  if (!Number.isFinite(load1) || load1 < 0) throw new LoadReportError(`probe output line 1 should start with the 1-minute load average (as /proc/loadavg does); got ${JSON.stringify(loadLine.slice(0, 100))}`);
  const cpusLine = line(lines, 1, 'the CPU count', output);
  const cpus = Number(cpusLine);
  if (!Number.isInteger(cpus) || cpus < 1) throw new LoadReportError(`probe output line 2 should be the CPU count (as nproc prints it); got ${JSON.stringify(cpusLine.slice(0, 100))}`);
  const usersLine = line(lines, 2, 'the number of logged-in users', output);
  const users = Number(usersLine);
  if (!Number.isInteger(users) || users < 0) throw new LoadReportError(`probe output line 3 should be the number of logged-in users (as who | wc -l prints it); got ${JSON.stringify(usersLine.slice(0, 100))}`);
  return { load1, cpus, users };
}

/**
 * Load per CPU: the run queue, plus `userLoad` for every logged-in user and for every connection
 * sent to the node since the probe ran (the probe has not seen those yet; without them every login
 * between two probes would go to the same node). `cpus` overrides the probe's count when configured.
 */
export function loadScore(report: LoadReport, sentSinceProbe: number, userLoad: number, cpus?: number): number {
  return (report.load1 + userLoad * (report.users + sentSinceProbe)) / (cpus ?? report.cpus);
}
