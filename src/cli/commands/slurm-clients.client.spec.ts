/**
 * Client test: the exact calls Open OnDemand's Slurm adapter (ood_core), batchspawner's SlurmSpawner
 * and Snakemake's Slurm plugin make, run through the CLI against a gateway holding the queue of
 * test/slurm/recorded/clients, compared with what the real Slurm 22.05 printed for that queue. Columns
 * the gateway cannot know (the scheduler's priority, the QOS and memory Slurm defaults to, billing
 * weights) are named below with the reason; everything else must match byte for byte.
 */
import { runCli } from '../program';
import { type FakeGateway, startFakeGateway } from '../../../test/cli/fake-gateway';
import { memoryIo, testContext } from '../../../test/cli/memory-io';
import { recorded, recordedAt, recordedJobs, recordedPartitions, recording, scenario, withoutOtherUser } from '../../../test/slurm/recorded-clients';
import type { GatewayJob, GatewayJobFilter } from '../gateway-types';

const OWNER = 'hpcg-slurm-a';
const US = '\x1f';

describe('client test: Slurm clients through the shims, against recorded Slurm 22.05 output', () => {
  let gateway: FakeGateway;
  let caller: { username: string; admin: boolean };

  beforeEach(async () => {
    caller = { username: OWNER, admin: false };
    gateway = await startFakeGateway((req) => {
      switch (req.operationName) {
        case 'CliJobs': {
          const filter = req.variables.filter as GatewayJobFilter;
          const items = recordedJobs().filter((j) => visible(j) && matches(j, filter));
          return { data: { jobs: { total: items.length, items } } };
        }
        case 'CliPartitions':
          return { data: { partitions: recordedPartitions() } };
        case 'CliMe':
          return { data: { me: { id: 1, username: caller.username, uid: scenario.users[caller.username] ?? 0, gid: 0, admin: caller.admin } } };
        case 'CliUsers':
          return { data: { users: Object.entries(scenario.users).map(([username, uid], i) => ({ id: i + 2, username, uid, gid: uid, admin: false })) } };
        default:
          throw new Error(`unexpected ${req.operationName}`);
      }
    });
  });
  afterEach(() => gateway.close());

  /** The gateway's rule: a user sees their own jobs, an administrator everyone's. */
  const visible = (j: GatewayJob) => caller.admin || j.user === caller.username;
  const matches = (j: GatewayJob, f: GatewayJobFilter) =>
    (!f.ids || f.ids.includes(j.id) || j.arrayTasks.some((t) => f.ids!.includes(t.rawId))) &&
    (!f.users || f.users.includes(j.user)) &&
    (!f.states || f.states.includes(j.state));

  /** Runs the recorded call (same argv, same clock) through the CLI. */
  async function replay(name: string) {
    const { argv } = recording(name);
    const io = memoryIo({ clock: recordedAt(name) });
    const code = await runCli(argv, testContext(io, { url: gateway.url }));
    return { code, out: io.stdoutText(), err: io.stderrText() };
  }

  /** Blanks the named columns (by header) of US-separated -O output, in both texts alike. */
  function maskColumns(text: string, headers: string[], names: string[]): string {
    const at = names.flatMap((n) => headers.flatMap((h, i) => (h === n ? [i] : [])));
    return text
      .split('\n')
      .map((line, row) => (row === 0 ? line : line.split(US).map((v, i) => (at.includes(i) ? '<masked>' : v)).join(US)))
      .join('\n');
  }

  describe('batchspawner SlurmSpawner: squeue -h -j ID -o "%T %B"', () => {
    it.each(['batchspawner-query-running', 'batchspawner-query-pending'])('%s prints what Slurm printed', async (name) => {
      const { code, out, err } = await replay(name);
      expect([code, out, err]).toEqual([0, recorded(name), '']);
    });

    it("batchspawner's state and host regexes read the state and the host", async () => {
      const running = (await replay('batchspawner-query-running')).out;
      expect(running).toMatch(/^(?:RUNNING|COMPLETING)/);
      expect(/\s+((?:[\w_-]+\.?)+)$/.exec(running.trim())?.[1]).toBe(scenario.node);
      expect((await replay('batchspawner-query-pending')).out).toMatch(/^(?:PENDING|CONFIGURING)/);
    });
  });

  describe("Open OnDemand: squeue --all --states=all --noconvert -O <50 fields with \\x1f suffixes>", () => {
    // The gateway has no Slurm scheduler priority; QOS "normal", 64M per CPU and billing are the
    // recorded cluster's defaults (slurmdbd's default QOS, DefMemPerCPU, TRESBillingWeights), which a
    // job submitted without them does not carry.
    const UNKNOWABLE = ['PRIORITY', 'QOS', 'MIN_MEMORY', 'TRES_ALLOC'];

    it.each(['ood-squeue-all', 'ood-squeue-job', 'ood-squeue-owner'])('%s matches Slurm column for column', async (name) => {
      const { code, out, err } = await replay(name);
      const expected = withoutOtherUser(recorded(name), (l) => l.split(US)[1]);
      const headers = expected.split('\n')[0].split(US);
      expect(code).toBe(0);
      expect(out.split('\n')[0]).toBe(expected.split('\n')[0]);
      expect(maskColumns(out, headers, UNKNOWABLE)).toBe(maskColumns(expected, headers, UNKNOWABLE));
      expect(err).toBe(recorded(name, 'err'));
    });

    it('prints the memory the job asked for without conversion, and its TRES', async () => {
      const { out } = await replay('ood-squeue-job');
      const [header, line] = out.split('\n');
      const row = Object.fromEntries(header.split(US).map((h, i) => [h, line.split(US)[i]]));
      expect(row).toMatchObject({ MIN_MEMORY: '200M', TRES_ALLOC: 'cpu=2,mem=200M,node=1', QOS: '(null)', EXEC_HOST: scenario.node });
    });
  });

  describe("Open OnDemand: cluster_info and nodes (sinfo)", () => {
    // Node use comes from the jobs the caller may see: an administrator sees what Slurm's sinfo sees.
    it.each(['ood-sinfo-counts', 'ood-sinfo-gres', 'ood-sinfo-nodes'])('%s prints what Slurm printed', async (name) => {
      caller = { username: 'root', admin: true };
      const { code, out, err } = await replay(name);
      expect([code, out, err]).toEqual([0, recorded(name), '']);
    });

    it('an ordinary user sees the nodes used by their own jobs only', async () => {
      expect((await replay('ood-sinfo-counts')).out).toBe(' 1/0/0/1/3/1/0/4\n');
    });
  });

  /** `Key=value` items of scontrol output in order, values of the named keys masked; the layout kept. */
  function maskKeys(text: string, keys: string[]): string {
    return text.replace(/([A-Za-z/:_]+)=(\S*)/g, (whole, key: string) => (keys.includes(key) ? `${key}=<masked>` : whole));
  }

  describe('scontrol show partition, as OOD (queues) and Snakemake call it', () => {
    // Billing weights are the cluster's (TRESBillingWeights); the gateway has none to report.
    it.each(['ood-scontrol-part', 'snakemake-scontrol-partition', 'scontrol-show-partition-debug'])('%s matches Slurm', async (name) => {
      const { code, out, err } = await replay(name);
      expect([code, err]).toEqual([0, '']);
      expect(out).toBe(recorded(name).replace(/,billing=\d+/g, ''));
    });
  });

  describe('scontrol show job', () => {
    // Priority, QOS "normal", 64M per CPU and billing are the scheduler's and the cluster's defaults;
    // AllocNode:Sid names the submitting process; LastSchedEval and AccrueTime the scheduler's passes.
    const UNKNOWABLE = ['Priority', 'QOS', 'AllocNode:Sid', 'LastSchedEval', 'TRES', 'MinMemoryCPU', 'MinMemoryNode', 'AccrueTime'];

    it.each(['scontrol-show-job', 'scontrol-show-job-pending'])('%s prints every key Slurm prints, in its order and layout', async (name) => {
      const { code, out, err } = await replay(name);
      expect([code, err]).toEqual([0, '']);
      expect(maskKeys(out, UNKNOWABLE).replace(/MinMemoryNode/g, 'MinMemoryCPU')).toBe(maskKeys(recorded(name), UNKNOWABLE).replace(/MinMemoryNode/g, 'MinMemoryCPU'));
      expect(out).not.toMatch(/Engine=/);
    });
  });

  describe('scontrol show config, as Snakemake reads MinJobAge', () => {
    it('prints the MinJobAge line in Slurm\'s layout', async () => {
      const { code, out } = await replay('snakemake-scontrol-config');
      const line = (text: string) => text.split('\n').find((l) => l.startsWith('MinJobAge'));
      expect(code).toBe(0);
      expect(line(out)).toBe(line(recorded('snakemake-scontrol-config')));
      expect(out.split('\n')[0]).toMatch(/^Configuration data as of \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    });
  });

  /** Parsed --json document with the named keys of every record replaced, records in job id order. */
  type Rec = Record<string, unknown>;
  function jsonRecords(text: string, key: string, mask: (r: Rec) => Rec, order: (r: Rec) => number): Rec[] {
    const doc = JSON.parse(text) as Record<string, unknown>;
    return (doc[key] as Rec[]).map(mask).sort((a, b) => order(a) - order(b));
  }
  const envelope = (text: string) => {
    const doc = JSON.parse(text) as Record<string, unknown>;
    return Object.keys(doc).map((k) => (k === 'jobs' || k === 'nodes' ? k : JSON.stringify({ [k]: doc[k] })));
  };

  describe('squeue --json (openapi/v0.0.38)', () => {
    // Only a Slurm controller knows: the scheduler's priority, accrual and passes; the cluster's
    // billing weights, default QOS ("normal") and DefMemPerCPU (64M for a job that asked no memory);
    // which sockets and cores of a node a job holds. The gateway keeps one eligible time per array, not
    // the moment the throttle let each task go.
    const askedMemory = (r: Rec) => !/^(held|ok|canc|bad|arr|other)$/.test(String(r.name));
    const mask = (r: Rec): Rec => {
      const out: Rec = { ...r, priority: '<masked>', accrue_time: '<masked>', last_sched_evaluation: '<masked>', billable_tres: '<masked>', qos: '<masked>' };
      const strip = (t: unknown) => String(t).replace(/,billing=\d+/, '').replace(askedMemory(r) ? /^$/ : /,mem=64M/, '');
      out.tres_req_str = strip(r.tres_req_str);
      out.tres_alloc_str = strip(r.tres_alloc_str);
      if (!askedMemory(r)) out.memory_per_cpu = out.memory_per_node = '<masked>';
      if (r.array_task_id !== null) out.eligible_time = '<masked>';
      const res = r.job_resources as { allocated_nodes: Rec[] } | undefined;
      if (res) out.job_resources = { ...res, allocated_nodes: res.allocated_nodes.map((n) => ({ ...n, sockets: '<masked>', memory_allocated: '<masked>' })) };
      return out;
    };

    it('prints the jobs the caller may see with every key of Slurm, in its order, shape and bytes', async () => {
      const { code, out, err } = await replay('squeue-json');
      expect([code, err]).toEqual([0, '']);
      const expected = recorded('squeue-json');
      expect(envelope(out)).toEqual(envelope(expected));
      const mine = (r: Rec) => r.user_name === OWNER;
      const got = jsonRecords(out, 'jobs', mask, (r) => Number(r.job_id));
      expect(got).toEqual(jsonRecords(expected, 'jobs', mask, (r) => Number(r.job_id)).filter(mine));
      // Key order is part of the layout (clients that stream the text rely on it).
      expect(got.map((r) => Object.keys(r))).toEqual(jsonRecords(expected, 'jobs', mask, (r) => Number(r.job_id)).filter(mine).map((r) => Object.keys(r)));
      expect(out.slice(-3)).toBe(']\n}');
      expect(out).toMatch(/"current_working_directory": "\\\/tmp"/);
    });

    it('shows an administrator every job, another user\'s too, as Slurm does', async () => {
      caller = { username: 'root', admin: true };
      const { out } = await replay('squeue-json');
      expect(jsonRecords(out, 'jobs', mask, (r) => Number(r.job_id))).toEqual(jsonRecords(recorded('squeue-json'), 'jobs', mask, (r) => Number(r.job_id)));
    });

    it("never shows an ordinary user another user's job", async () => {
      const { out } = await replay('squeue-json');
      expect((JSON.parse(out) as { jobs: Rec[] }).jobs.map((j) => j.user_name)).not.toContain('hpcg-slurm-b');
    });
  });

  describe('sinfo --json (openapi/v0.0.38)', () => {
    // What slurmd reports of its host (hardware, boot, load, free memory, address, port, OS, version)
    // the engines do not pass on; memory used counts DefMemPerCPU for jobs that asked none; billing
    // is the cluster's weights.
    const SLURMD = ['architecture', 'boards', 'boot_time', 'cores', 'cpu_load', 'free_memory', 'last_busy', 'address', 'operating_system', 'port', 'slurmd_start_time', 'sockets', 'threads', 'slurmd_version', 'alloc_memory'];
    const mask = (r: Rec): Rec => ({
      ...r,
      ...Object.fromEntries(SLURMD.map((k) => [k, '<masked>'])),
      tres: String(r.tres).replace(/,billing=\d+/, ''),
      tres_used: String(r.tres_used).replace(/,mem=\d+M/, ''),
    });

    it("an administrator sees every node as Slurm shows it, in Slurm's keys, order and bytes", async () => {
      caller = { username: 'root', admin: true };
      const { code, out, err } = await replay('sinfo-json');
      expect([code, err]).toEqual([0, '']);
      expect(envelope(out)).toEqual(envelope(recorded('sinfo-json')));
      const got = jsonRecords(out, 'nodes', mask, () => 0);
      const want = jsonRecords(recorded('sinfo-json'), 'nodes', mask, () => 0);
      expect(got).toEqual(want);
      expect(got.map((r) => Object.keys(r))).toEqual(want.map((r) => Object.keys(r)));
      expect(out).toMatch(/"tres_weighted": 4\.0\n/);
    });

    it('an ordinary user sees the node used by their own jobs only', async () => {
      const node = (JSON.parse((await replay('sinfo-json')).out) as { nodes: Rec[] }).nodes[0];
      // Job 1 (2 CPUs, 200M) and task 6_0 (1 CPU) are the caller's; job 7 is another user's.
      expect(node).toMatchObject({ state: 'mixed', alloc_cpus: 3, idle_cpus: 1, alloc_memory: 200, tres_used: 'cpu=3,mem=200M' });
    });
  });

  describe('sacct --json (openapi/dbv0.0.38)', () => {
    // Slurm's scheduler flags, priority and default QOS; the cluster's billing and energy TRES and its
    // DefMemPerCPU (64M for a job that asked no memory). The recorded cluster has no associations, so
    // slurmdbd stored no user name for the jobs ("user": null); the gateway names the owner.
    const mask = (r: Rec): Rec => {
      const tres = (list: Rec[]) => list.filter((t) => !['billing', 'energy', 'mem'].includes(String(t.type)));
      const t = r.tres as { allocated: Rec[]; requested: Rec[] };
      const steps = (r.steps as Rec[]).map((s) => ({ ...s, tres: { ...(s.tres as Rec), allocated: tres((s.tres as { allocated: Rec[] }).allocated) } }));
      return { ...r, flags: '<masked>', priority: '<masked>', qos: '<masked>', user: '<masked>', required: { ...(r.required as Rec), memory: '<masked>' }, tres: { allocated: tres(t.allocated), requested: tres(t.requested) }, steps };
    };

    it("prints the jobs of -j with their batch steps in Slurm's keys, order and shape", async () => {
      const { code, out, err } = await replay('sacct-json');
      expect([code, err]).toEqual([0, '']);
      expect(envelope(out)).toEqual(envelope(recorded('sacct-json')));
      const got = jsonRecords(out, 'jobs', mask, (r) => Number(r.job_id));
      const want = jsonRecords(recorded('sacct-json'), 'jobs', mask, (r) => Number(r.job_id));
      expect(got).toEqual(want);
      const keys = (v: unknown): unknown => (Array.isArray(v) ? v.map(keys) : v && typeof v === 'object' ? Object.entries(v).map(([k, x]) => [k, keys(x)]) : null);
      expect(keys(got)).toEqual(keys(want));
      expect((JSON.parse(out) as { jobs: Rec[] }).jobs.map((j) => j.user)).toEqual([OWNER, OWNER]);
    });

    it("never shows an ordinary user another user's job", async () => {
      const io = memoryIo({ clock: recordedAt('sacct-json') });
      const code = await runCli(['sacct', '--json', '-j', scenario.jobs.other], testContext(io, { url: gateway.url }));
      expect([code, (JSON.parse(io.stdoutText()) as { jobs: Rec[] }).jobs]).toEqual([0, []]);
    });
  });

  describe('sacct', () => {
    it("OOD's info_historic call (--units G, \\x1f delimiter) matches Slurm, but for the cluster's default memory and billing", async () => {
      caller = { username: 'root', admin: true };
      const { code, out, err } = await replay('ood-sacct');
      // ReqMem and ReqTRES of jobs that asked for no memory show the cluster's DefMemPerCPU; billing is its weights.
      const mask = (text: string) =>
        text
          .split('\n')
          .map((l) => l.split(US).map((v, i) => (i === 5 && v === '0.06G' ? '' : i === 16 ? v.replace(/billing=\d+,/, '').replace(/,mem=0\.06G/, '') : v)).join(US))
          .join('\n');
      // Slurm lists records in its database's order and keeps a stale `6_[0-2%1]` array record beside a
      // started task; the gateway lists jobs in id order with the array's tasks as they are now.
      const lines = (text: string) => mask(text).split('\n').filter((l) => l.split(US)[2]?.split('_')[0] !== scenario.jobs.arr).sort();
      expect([code, err]).toEqual([0, '']);
      expect(lines(out)).toEqual(lines(recorded('ood-sacct')));
      expect(out.split('\n').filter((l) => l.split(US)[2]?.startsWith(`${scenario.jobs.arr}_`)).map((l) => l.split(US).slice(2, 4).concat(l.split(US)[9]))).toEqual([
        [`${scenario.jobs.arr}_0`, 'arr', 'RUNNING'],
        [`${scenario.jobs.arr}_[1-2%1]`, 'arr', 'PENDING'],
      ]);
      expect(out.split('\n')[0].split(US)[5]).toBe('0.20G');
    });

    it('says CANCELLED by <uid> with exit code 0:0 for a job cancelled while it ran', async () => {
      const { code, out } = await replay('sacct-cancelled');
      expect([code, out]).toEqual([0, recorded('sacct-cancelled')]);
    });

    it("shows an administrator another user's job named with -j, as Slurm does", async () => {
      caller = { username: 'root', admin: true };
      const { code, out } = await replay('sacct-admin-other-user');
      expect([code, out]).toEqual([0, recorded('sacct-admin-other-user')]);
    });

    it("never shows an ordinary user another user's job (the gateway keeps jobs private, like PrivateData=jobs)", async () => {
      const { code, out } = await replay('sacct-user-other-user');
      expect(recorded('sacct-user-other-user')).not.toBe('');
      expect([code, out]).toEqual([0, '']);
      expect(gateway.calls('CliJobs')[0].variables.filter).toMatchObject({ ids: [Number(scenario.jobs.other)] });
    });

    it("Snakemake's get_account call prints Slurm's lines (no account: a blank 256-wide column)", async () => {
      const { code, out } = await replay('snakemake-sacct-account');
      const blank = recorded('snakemake-sacct-account').split('\n')[0];
      expect(blank).toBe(`${' '.repeat(256)} `);
      expect(code).toBe(0);
      // One line per job and per batch step of the caller's jobs, each as Slurm prints an empty Account.
      expect(out).toBe(`${blank}\n`.repeat(12));
    });

    it('refuses an unknown --units with the allowed ones', async () => {
      const io = memoryIo();
      const code = await runCli(['sacct', '--units', 'X'], testContext(io, { url: gateway.url }));
      expect([code, io.stderrText()]).toEqual([1, 'sacct: fatal: Invalid unit for --units: "X" (allowed: K, M, G, T, P)\n']);
    });
  });
});
