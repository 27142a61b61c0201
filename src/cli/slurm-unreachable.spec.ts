import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayRequestError, GatewayUnreachableError } from './gateway-client';
import { communicationFailure, describeUnreachable, type SlurmCall, slurmUnreachable } from './slurm-unreachable';

/** What the real Slurm 22.05 printed with slurmctld and slurmdbd stopped (test/slurm/record-unreachable.ts). */
const RECORDED = join(__dirname, '..', '..', 'test', 'slurm', 'recorded', 'unreachable', 'connect-refused');
const recorded = (name: string) => readFileSync(join(RECORDED, `${name}.stderr`), 'utf8');
const exitCodes = JSON.parse(readFileSync(join(RECORDED, 'exit-codes.json'), 'utf8')) as Record<string, { exitCode: number }>;

describe("Slurm's words when its daemon cannot be reached", () => {
  const peer = { hostPort: '127.0.0.1:4000', socketError: 'Connection refused' };
  const cases: [string, SlurmCall][] = [
    ['squeue', { command: 'squeue' }],
    ['squeue-job', { command: 'squeue' }],
    ['sbatch', { command: 'sbatch' }],
    ['sbatch-wrap', { command: 'sbatch' }],
    ['scancel', { command: 'scancel-job', jobId: '1' }],
    ['sinfo', { command: 'sinfo' }],
    ['scontrol-show-job', { command: 'scontrol-show-job' }],
    ['scontrol-show-jobs', { command: 'scontrol-show-job' }],
    ['scontrol-show-partition', { command: 'scontrol-show-partition' }],
    ['scontrol-hold', { command: 'scontrol-update', jobId: '1' }],
    ['scontrol-release', { command: 'scontrol-update', jobId: '1' }],
  ];

  it.each(cases)('%s: the recorded text and exit code, byte for byte', (name, call) => {
    expect(slurmUnreachable(call, 'connect', peer)).toEqual({ text: recorded(name), exitCode: exitCodes[name].exitCode });
  });

  it('sacct: the recorded three lines, naming the address it could not reach', () => {
    const text = recorded('sacct');
    const hostPort = /host:(\S+): Connection refused/.exec(text)![1];
    expect(slurmUnreachable({ command: 'sacct' }, 'connect', { hostPort, socketError: 'Connection refused' })).toEqual({ text, exitCode: exitCodes.sacct.exitCode });
  });

  it('a timeout is Slurm\'s "Socket timed out on send/recv operation", which batchspawner also reads as "unknown, keep the job"', () => {
    const { text, exitCode } = slurmUnreachable({ command: 'squeue' }, 'timeout', peer);
    expect(text).toBe('slurm_load_jobs error: Socket timed out on send/recv operation\n');
    expect(exitCode).toBe(1);
    // scancel exits with the errno, modulo 256: 5004 → 140.
    expect(slurmUnreachable({ command: 'scancel-job', jobId: '7_2' }, 'timeout', peer).exitCode).toBe(140);
    // batchspawner's SlurmSpawner.state_unknown_re, as its source writes it.
    expect(text).toMatch(/^slurm_load_jobs error: (?:Socket timed out on send\/recv|Unable to contact slurm controller)/);
  });

  it('tells an outage (connection, timeout, cut-off answer, 5xx, UNAVAILABLE) from a gateway that answered', () => {
    const url = 'http://gw:4000';
    expect(communicationFailure(new GatewayUnreachableError(url, 'connect ECONNREFUSED', true, 'connect'))).toBe('connect');
    expect(communicationFailure(new GatewayUnreachableError(url, 'no answer within 60 s', true, 'timeout'))).toBe('timeout');
    expect(communicationFailure(new GatewayUnreachableError(url, 'other side closed', true, 'receive'))).toBe('receive');
    expect(communicationFailure(new GatewayRequestError('database down', 'UNAVAILABLE', {}, url))).toBe('connect');
    // A wrong URL (a web page answers) is a configuration error, and the job must not be declared unknown forever.
    expect(communicationFailure(new GatewayUnreachableError(url, 'the answer is not JSON', false, 'not-gateway'))).toBeNull();
    expect(communicationFailure(new GatewayRequestError('no such job', 'NOT_FOUND', {}, url))).toBeNull();
  });

  it("puts Slurm's line first and the gateway's reason after it; sacct names the gateway's address and the socket error", () => {
    const err = new GatewayUnreachableError('https://hpc.example.org', 'getaddrinfo ENOTFOUND hpc.example.org', true, 'connect');
    expect(describeUnreachable({ command: 'squeue' }, err)).toEqual({
      text: 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)\nhpcg: cannot reach the gateway at https://hpc.example.org: getaddrinfo ENOTFOUND hpc.example.org\n',
      exitCode: 1,
    });
    expect(describeUnreachable({ command: 'sacct' }, err)!.text).toMatch(
      /^sacct: error: slurm_persist_conn_open_without_init: failed to open persistent connection to host:hpc\.example\.org:443: Name or service not known\n/,
    );
    expect(describeUnreachable({ command: 'squeue' }, new GatewayRequestError('x', 'FORBIDDEN', {}))).toBeNull();
  });
});
