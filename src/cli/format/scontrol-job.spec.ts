import { at, iso, makeJob, makeTask } from '../../../test/cli/job-fixtures';
import { tresText } from './job-facts';
import { collapseTaskSets, expandJob } from './printed-jobs';
import { defaultOutputPattern, expandOutputPath } from './output-path';
import { renderShowJob, type ShowJobContext } from './scontrol-job';

const ctx: ShowJobContext = { now: at(16, 31, 29), limits: new Map([['debug', 60]]), uids: new Map([['root', 0]]), groupName: (gid) => (gid === 0 ? 'root' : String(gid)) };

describe('scontrol show job', () => {
  it('prints Slurm\'s keys in Slurm\'s order for a running job, with the expected end and expanded paths', () => {
    const job = makeJob({
      id: 13,
      name: 'to',
      state: 'RUNNING',
      timeLimitMinutes: 1,
      submitTime: iso(16, 30, 28),
      eligibleTime: iso(16, 30, 28),
      startTime: iso(16, 30, 35),
      nodeList: 'vm',
      uid: 0,
      gid: 0,
      submitHost: 'gw1',
      stdoutPath: 'out/%j.out',
      spec: { qos: 'normal', ntasks: 1, cpusPerTask: 1, memPerNodeMB: 4000, requeue: null, constraint: null },
    });
    expect(renderShowJob(expandJob(job)[0], ctx, false)).toBe(
      [
        'JobId=13 JobName=to',
        '   UserId=root(0) GroupId=root(0) MCS_label=N/A',
        '   Priority=N/A Nice=0 Account=root QOS=normal',
        '   JobState=RUNNING Reason=None Dependency=(null)',
        '   Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0',
        '   RunTime=00:00:54 TimeLimit=00:01:00 TimeMin=N/A',
        '   SubmitTime=2026-11-21T16:30:28 EligibleTime=2026-11-21T16:30:28',
        '   AccrueTime=2026-11-21T16:30:28',
        '   StartTime=2026-11-21T16:30:35 EndTime=2026-11-21T16:31:35 Deadline=N/A',
        '   SuspendTime=None SecsPreSuspend=0 LastSchedEval=Unknown Scheduler=Main',
        '   Partition=debug AllocNode:Sid=gw1:0',
        '   ReqNodeList=(null) ExcNodeList=(null)',
        '   NodeList=vm',
        '   BatchHost=vm',
        '   NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:*',
        '   TRES=cpu=1,mem=4000M,node=1',
        '   Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*',
        '   MinCPUsNode=1 MinMemoryNode=4000M MinTmpDiskNode=0',
        '   Features=(null) DelayBoot=00:00:00',
        '   OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null)',
        '   Command=(null)',
        '   WorkDir=/tmp/cli-slurm',
        '   StdErr=/tmp/cli-slurm/out/13.out',
        '   StdIn=/dev/null',
        '   StdOut=/tmp/cli-slurm/out/13.out',
        '   Power=',
        '   ',
        '',
        '',
      ].join('\n'),
    );
  });

  it('shows a pending held job with Unknown times, its reason and dependency, and the partition limit', () => {
    const job = makeJob({ id: 21, name: 'depj', state: 'HELD', reason: 'JobHeldUser', eligibleTime: null, dependency: 'afterok:19_*', comment: 'note' });
    const text = renderShowJob(expandJob(job)[0], ctx, false);
    expect(text).toContain('   JobState=PENDING Reason=JobHeldUser Dependency=afterok:19_*\n');
    expect(text).toContain('   RunTime=00:00:00 TimeLimit=01:00:00 TimeMin=N/A\n');
    expect(text).toContain('EligibleTime=Unknown\n');
    expect(text).toContain('   StartTime=Unknown EndTime=Unknown Deadline=N/A\n');
    expect(text).toContain('   Comment=note\n');
    expect(text).toContain('   StdOut=/tmp/cli-slurm/slurm-21.out\n');
  });

  it('names array tasks and pending task sets like Slurm (JobId is the task\'s own id)', () => {
    const job = makeJob({
      id: 19,
      name: 'thr',
      isArray: true,
      arrayMaxConcurrent: 2,
      arrayTasks: [makeTask(0, 20, { state: 'RUNNING', startTime: iso(16, 32, 33), nodeList: 'vm' }), ...[1, 2, 3].map((i) => makeTask(i, 30 + i))],
    });
    const records = collapseTaskSets(expandJob(job), (r) => (r.state === 'PENDING' ? 'p' : null));
    expect(renderShowJob(records[0], ctx, false).split('\n')[0]).toBe('JobId=20 ArrayJobId=19 ArrayTaskId=0 ArrayTaskThrottle=2 JobName=thr');
    expect(renderShowJob(records[1], ctx, false).split('\n')[0]).toBe('JobId=19 ArrayJobId=19 ArrayTaskId=1-3%2 ArrayTaskThrottle=2 JobName=thr');
    expect(renderShowJob(records[0], ctx, false)).toContain('StdOut=/tmp/cli-slurm/slurm-19_0.out');
  });

  it('prints one line per record with --oneliner', () => {
    const text = renderShowJob(expandJob(makeJob({ id: 5, name: 'x', user: 'bob' }))[0], ctx, true);
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toMatch(/^JobId=5 JobName=x UserId=bob GroupId=nobody MCS_label=N\/A Priority=N\/A Nice=0 Account=root QOS=\(null\) JobState=PENDING /);
    expect(text).toMatch(/ Power= \n$/);
  });
});

describe('output path expansion', () => {
  const [task] = expandJob(makeJob({ id: 12, name: 'arr', user: 'alice', isArray: true, arrayTasks: [makeTask(3, 15, { nodeList: 'node[01-04]' })] }));
  const [plain] = expandJob(makeJob({ id: 7, name: 'p', workdir: '/w/' }));

  it.each([
    ['out/%j.out', '/tmp/cli-slurm/out/15.out'],
    ['%A_%a.%x.%u', '/tmp/cli-slurm/12_3.arr.alice'],
    ['/abs/%4a-%%-%N', '/abs/0003-%-node01'],
    ['keep/%z', '/tmp/cli-slurm/keep/%z'],
    ['no\\%j', '/tmp/cli-slurm/no%j'],
  ])('%s -> %s', (pattern, path) => expect(expandOutputPath(pattern, task)).toBe(path));

  it('uses Slurm\'s defaults and NO_VAL for %a outside arrays', () => {
    expect(expandOutputPath(defaultOutputPattern(task), task)).toBe('/tmp/cli-slurm/slurm-12_3.out');
    expect(expandOutputPath(defaultOutputPattern(plain), plain)).toBe('/w/slurm-7.out');
    expect(expandOutputPath('%a', plain)).toBe('/w/4294967294');
  });
});

describe('TRES text', () => {
  it('totals memory and GPUs over nodes or tasks', () => {
    const job = (spec: Record<string, unknown>) => expandJob(makeJob({ id: 1, nodes: 2, cpus: 8, spec }))[0];
    expect(tresText(job({ memPerNodeMB: 2048, gpus: { count: 2, type: null, per: 'node' } }))).toBe('cpu=8,mem=4G,node=2,gres/gpu=4');
    expect(tresText(job({ memPerCpuMB: 1000, gpus: { count: 1, type: null, per: 'task' }, ntasks: 3 }))).toBe('cpu=8,mem=8000M,node=2,gres/gpu=3');
    expect(tresText(job({}))).toBe('cpu=8,node=2');
  });
});
