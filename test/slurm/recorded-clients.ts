/**
 * The queue of test/slurm/recorded/clients (recorded by record-client-outputs.ts from a real Slurm
 * 22.05 with slurmdbd) as the gateway holds it: the same jobs, ids, owners, times, nodes and outcomes,
 * so a shim's output can be compared with what Slurm printed for them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayJob, GatewayPartition } from '../../src/cli/gateway-types';
import { makeJob, makeTask } from '../cli/job-fixtures';

export const RECORDED_DIR = join(__dirname, 'recorded', 'clients');

interface Scenario {
  node: string;
  cluster: string;
  users: Record<string, number>;
  jobs: Record<string, string>;
  recordings: { name: string; as: string; argv: string[]; at: number; code: number }[];
  squeueAll: string;
}

export const scenario: Scenario = JSON.parse(readFileSync(join(RECORDED_DIR, 'scenario.json'), 'utf8')) as Scenario;

/** A recorded stream of a folder under test/slurm/recorded; '' for a stream the command left empty (no file). */
export function readRecorded(dir: string, name: string, stream: 'out' | 'err'): string {
  try {
    return readFileSync(join(dir, `${name}.${stream}`), 'utf8');
  } catch {
    return '';
  }
}

export function recorded(name: string, stream: 'out' | 'err' = 'out'): string {
  return readRecorded(RECORDED_DIR, name, stream);
}

export function recording(name: string): Scenario['recordings'][number] {
  const r = scenario.recordings.find((x) => x.name === name);
  if (!r) throw new Error(`no recording ${name}`);
  return r;
}

/** The recording's clock, as a Date (Slurm printed local times; the fixtures rebuild them locally). */
export const recordedAt = (name: string) => new Date(recording(name).at * 1000);

/** `2026-12-02T15:09:05` read as local time, as Slurm wrote it. */
function localTime(text: string): string | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  return new Date(y, mo - 1, d, h, mi, s).toISOString();
}

const OWNER = 'hpcg-slurm-a';
const OTHER = 'hpcg-slurm-b';

/** Submit/start/end per squeue JobID (`1`, `6_0`, `6_[1-2%1]`) from the scenario's own squeue call. */
function times(): Map<string, { submit: string; start: string | null; end: string | null }> {
  const rows = scenario.squeueAll.trim().split('\n').slice(1).map((l) => l.split('|'));
  return new Map(rows.map(([id, , , submit, start, end]) => [id, { submit: localTime(submit)!, start: localTime(start), end: localTime(end) }]));
}

/** The scenario's jobs as the gateway returns them (gateway ids equal to Slurm's). */
export function recordedJobs(): GatewayJob[] {
  const t = times();
  const id = (name: string) => Number(scenario.jobs[name]);
  const base = (name: string, user = OWNER) => {
    const at = t.get(scenario.jobs[name]) ?? t.get(`${scenario.jobs[name]}_0`)!;
    return {
      id: id(name),
      name,
      user,
      uid: scenario.users[user],
      gid: scenario.users[user],
      submitHost: 'localhost',
      account: null,
      engine: 'hpc',
      workdir: '/tmp',
      stdoutPath: '/dev/null',
      stderrPath: '/dev/null',
      submitTime: at.submit,
      eligibleTime: at.submit,
      startTime: at.start,
      endTime: null as string | null,
      timeLimitMinutes: null,
      spec: {},
    };
  };
  const ended = (name: string) => ({ ...base(name), endTime: t.get(scenario.jobs[name])!.end, nodeList: scenario.node });
  const arr = t.get(`${scenario.jobs.arr}_0`)!;
  return [
    makeJob({ ...base('run'), state: 'RUNNING', cpus: 2, timeLimitMinutes: 10, nodeList: scenario.node, spec: { cpusPerTask: 2, memPerNodeMB: 200 } }),
    makeJob({ ...base('held'), state: 'HELD', reason: 'JobHeldUser', eligibleTime: null, startTime: null }),
    makeJob({ ...ended('ok'), state: 'COMPLETED', exitCode: 0, signal: 0 }),
    makeJob({
      ...ended('canc'),
      state: 'CANCELLED',
      exitCode: 0,
      signal: 15,
      events: [{ at: ended('canc').endTime!, arrayIndex: null, fromState: 'RUNNING', toState: 'CANCELLED', reason: null, actor: `user:${OWNER}` }],
    }),
    makeJob({ ...ended('bad'), state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 3, signal: 0 }),
    makeJob({
      ...base('arr'),
      state: 'RUNNING',
      isArray: true,
      arrayMaxConcurrent: 1,
      arrayTasks: [
        makeTask(0, Number(scenario.jobs.arr) + 2, { state: 'RUNNING', startTime: arr.start, nodeList: scenario.node }),
        makeTask(1, 100, { reason: 'JobArrayTaskLimit' }),
        makeTask(2, 101, { reason: 'JobArrayTaskLimit' }),
      ],
    }),
    makeJob({ ...base('other', OTHER), state: 'RUNNING', nodeList: scenario.node }),
  ];
}

/** The cluster's partitions as the gateway reports them (`debug` default 30 min, `short` 2 min, `long` unlimited). */
export function recordedPartitions(): GatewayPartition[] {
  const common = { cluster: scenario.cluster, engine: 'hpc', engineKind: 'slurm', state: 'up', nodes: 1, cpus: 4, memoryMB: 12052, gpus: 0, nodeList: scenario.node, allowGroups: [] };
  return [
    { ...common, name: 'debug', default: true, maxTimeMinutes: 30 },
    { ...common, name: 'short', default: false, maxTimeMinutes: 2 },
    { ...common, name: 'long', default: false, maxTimeMinutes: -1 },
  ];
}

/** Lines of a recorded output without those of the other user's job (the gateway shows a user only their own). */
export function withoutOtherUser(text: string, idColumn: (line: string) => string): string {
  const other = scenario.jobs.other;
  return text
    .split(/(?<=\n)/)
    .filter((l) => idColumn(l) !== other)
    .join('');
}
