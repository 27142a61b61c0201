/**
 * sinfo layouts against real Slurm 22.05 sinfo output for the same partitions.
 */
import type { GatewayPartition } from '../gateway-types';
import { makePartition } from '../../../test/cli/job-fixtures';
import { nodeState, parseSinfoFormat, renderSinfoHeader, renderSinfoLine, type SinfoRow, sinfoDefaultFormat } from './sinfo-render';

function sinfo(partitions: GatewayPartition[], opts: { format?: string; summarize?: boolean; used?: Record<string, number> } = {}) {
  const { tokens } = parseSinfoFormat(opts.format ?? sinfoDefaultFormat(partitions, !!opts.summarize));
  const rows: SinfoRow[] = partitions.map((partition) => ({ partition, usage: { allocatedCpus: opts.used?.[partition.name] ?? 0 } }));
  return [renderSinfoHeader(tokens), ...rows.map((r) => renderSinfoLine(tokens, r))].join('\n') + '\n';
}

const site = () => [
  makePartition({ name: 'debug', default: true, maxTimeMinutes: 60 }),
  makePartition({ name: 'long', maxTimeMinutes: 2880 }),
  makePartition({ name: 'inf', maxTimeMinutes: -1 }),
];

describe('sinfo default layout', () => {
  it('matches real sinfo: default partition starred, limits as D-HH:MM:SS / infinite', () => {
    expect(sinfo(site())).toBe(
      [
        'PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST',
        'debug*       up    1:00:00      1   idle vm',
        'long         up 2-00:00:00      1   idle vm',
        'inf          up   infinite      1   idle vm',
        '',
      ].join('\n'),
    );
  });

  it('widens the partition column to the longest name and counts the * of the default (real sinfo)', () => {
    const partitions = [
      makePartition({ name: 'debug', maxTimeMinutes: 60 }),
      makePartition({ name: 'abcdefghij', default: true, maxTimeMinutes: 5 }),
      makePartition({ name: 'dn', state: 'down', maxTimeMinutes: 10 }),
      makePartition({ name: 'dr', state: 'drain', maxTimeMinutes: 1470 }),
    ];
    expect(sinfo(partitions)).toBe(
      [
        'PARTITION   AVAIL  TIMELIMIT  NODES  STATE NODELIST',
        'debug          up    1:00:00      1   idle vm',
        'abcdefghij*    up       5:00      1   idle vm',
        'dn           down      10:00      1   down vm',
        'dr          drain 1-00:30:00      1  drain vm',
        '',
      ].join('\n'),
    );
  });

  it('-s summarizes nodes as A/I/O/T (real sinfo -s)', () => {
    expect(sinfo(site().slice(0, 1), { summarize: true, used: { debug: 1 } })).toBe(
      ['PARTITION AVAIL  TIMELIMIT   NODES(A/I/O/T) NODELIST', 'debug*       up    1:00:00          1/0/0/1 vm', ''].join('\n'),
    );
  });
});

describe('sinfo -o', () => {
  it('renders %P %a %l %D %t %N %c %m %G %R like real sinfo', () => {
    expect(sinfo(site().slice(0, 2), { format: '%P %a %l %D %t %N %c %m %G %R', used: { debug: 1 } })).toBe(
      [
        'PARTITION AVAIL TIMELIMIT NODES STATE NODELIST CPUS MEMORY GRES PARTITION',
        'debug* up 1:00:00 1 mix vm 2 4000 (null) debug',
        'long up 2-00:00:00 1 idle vm 2 4000 (null) long',
        '',
      ].join('\n'),
    );
  });

  it('keeps the * when the default partition name is cut (%.3P, %5P)', () => {
    const partitions = [makePartition({ name: 'abcdefghij', default: true }), makePartition({ name: 'debug' })];
    expect(sinfo(partitions, { format: '%.3P|%5P|' })).toBe(['PAR|PARTI|', 'ab*|abcd*|', 'deb|debug|', ''].join('\n'));
  });

  it('shows GPUs and CPUs per node, with + when nodes differ', () => {
    const gpu = makePartition({ name: 'gpu', nodes: 2, cpus: 96, gpus: 8, memoryMB: 512000 });
    const odd = makePartition({ name: 'odd', nodes: 2, cpus: 5, memoryMB: null });
    expect(sinfo([gpu, odd], { format: '%R %c %G %m' })).toBe(['PARTITION CPUS GRES MEMORY', 'gpu 48 gpu:4 512000', 'odd 2+ (null) 0', ''].join('\n'));
  });
});

describe('nodeState', () => {
  const row = (state: string, allocatedCpus: number): SinfoRow => ({ partition: makePartition({ name: 'p', state, nodes: 4, cpus: 16 }), usage: { allocatedCpus } });

  it.each([
    ['up', 0, 'idle', 'idle'],
    ['up', 5, 'mix', 'mixed'],
    ['up', 16, 'alloc', 'allocated'],
    ['down', 0, 'down', 'down'],
    ['drain', 0, 'drain', 'drained'],
    ['drain', 4, 'drng', 'draining'],
  ])('partition %s with %i CPUs in use is %s (%s)', (state, used, compact, long) => {
    expect(nodeState(row(state, used))).toMatchObject({ compact, long });
  });

  it('counts allocated nodes from CPUs in use', () => {
    expect(nodeState(row('up', 5)).allocatedNodes).toBe(2);
  });
});
