import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, fchownSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ad, matches } from './classad-constraint';
import { expandForProcess, parseArguments, parseEnvironment, parseSubmitDescription } from './submit-description-parser';

/**
 * A schedd for tests, behind HTCondor's own command names: `binDir` holds `condor_submit`, `condor_q`,
 * `condor_history` and `condor_rm`, small Node programs that hand their argv and stdin to this process
 * and print its answer in HTCondor's formats (`-terse`, `-json`, condor_rm's messages). The engine runs
 * them through its ordinary runner, as the job's owner where HTCondor would. Every description is read
 * by the strict submit-language reader; each process runs the job's real executable as a local process
 * of the submitting user (uid and gid of the condor_submit caller), so the script decides the state and
 * the output. What it keeps of a schedd: clusters and processes, `max_materialize`, `hold`,
 * `allowed_execute_duration` (the job is killed and held, HoldReasonCode 47), condor_rm (SIGTERM, then
 * SIGKILL), completed and removed jobs moving to the history, constraints on job attributes.
 */
interface Proc {
  ad: Ad;
  exe: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  output: string;
  error: string;
  uid: number;
  gid: number;
  limitSeconds: number | null;
  maxMaterialize: number | null;
  child: ChildProcess | null;
  timers: NodeJS.Timeout[];
  stopping: 'held' | 'removed' | null;
}

interface ToolRequest {
  tool: string;
  argv: string[];
  stdin: string;
  uid: number;
  gid: number;
}

interface ToolAnswer {
  code: number;
  stdout: string;
  stderr: string;
}

/** The submitter's login name, as HTCondor's `Owner` holds it (the uid when the machine has no name for it). */
function loginName(uid: number): string {
  try {
    return execFileSync('getent', ['passwd', String(uid)], { encoding: 'utf8' }).split(':')[0] || String(uid);
  } catch {
    return String(uid);
  }
}

/** Seconds between condor_rm's SIGTERM and SIGKILL (HTCondor's job_max_vacate_time, shortened). */
const VACATE_SECONDS = 2;

const CLIENT = (port: number) => `#!${process.execPath}
const http = require('node:http');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const body = JSON.stringify({ tool: require('node:path').basename(process.argv[1]), argv: process.argv.slice(2), stdin: Buffer.concat(chunks).toString(), uid: process.getuid(), gid: process.getgid() });
  const req = http.request({ host: '127.0.0.1', port: ${port}, method: 'POST', path: '/' }, (res) => {
    const out = [];
    res.on('data', (c) => out.push(c));
    res.on('end', () => {
      const r = JSON.parse(Buffer.concat(out).toString());
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.code;
    });
  });
  req.on('error', (e) => {
    process.stderr.write('-- Failed to fetch ads from: <127.0.0.1:${port}> : emulated schedd\\n' + e.message + '\\n');
    process.exitCode = 1;
  });
  req.end(body);
});
`;

export class EmulatedSchedd {
  readonly binDir = mkdtempSync(join(tmpdir(), 'hpcg-condor-bin-'));
  readonly queue: Proc[] = [];
  readonly history: Proc[] = [];
  /** Every tool call, for tests that count them. */
  readonly calls: string[] = [];
  private server: Server | null = null;
  private nextCluster = 1;
  /** While true every tool answers as an unreachable schedd does. */
  down = false;
  /** While true condor_submit queues the job, then answers as if the schedd had gone (the answer is lost). */
  loseSubmitAnswers = false;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let answer: ToolAnswer;
        try {
          answer = this.handle(JSON.parse(Buffer.concat(chunks).toString()) as ToolRequest);
        } catch (e) {
          answer = { code: 1, stdout: '', stderr: `ERROR: ${(e as Error).message}\n` };
        }
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    const port = (this.server.address() as AddressInfo).port;
    chmodSync(this.binDir, 0o755);
    for (const tool of ['condor_submit', 'condor_q', 'condor_history', 'condor_rm']) writeFileSync(join(this.binDir, tool), CLIENT(port), { mode: 0o755 });
  }

  async stop(): Promise<void> {
    for (const p of this.queue) this.kill(p, 'SIGKILL');
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
    rmSync(this.binDir, { recursive: true, force: true });
  }

  private handle(r: ToolRequest): ToolAnswer {
    this.calls.push(r.tool);
    if (this.down) return { code: 1, stdout: '', stderr: "ERROR: Can't find address of local schedd\n" };
    switch (r.tool) {
      case 'condor_submit': {
        const answer = this.submit(r);
        return this.loseSubmitAnswers ? { code: 1, stdout: '', stderr: 'ERROR: Failed to connect to local queue manager\nSECMAN:2007:Failed to end classad message.\n' } : answer;
      }
      case 'condor_q':
        return this.query(this.queue, r.argv);
      case 'condor_history':
        return this.query(this.history, r.argv);
      case 'condor_rm':
        return this.remove(r.argv);
      default:
        return { code: 1, stdout: '', stderr: `unknown tool ${r.tool}\n` };
    }
  }

  private submit(r: ToolRequest): ToolAnswer {
    if (!(r.argv.includes('-terse') && r.argv[r.argv.length - 1] === '-')) throw new Error(`condor_submit ${r.argv.join(' ')}: the gateway submits with -terse from stdin`);
    const d = parseSubmitDescription(r.stdin);
    const cluster = this.nextCluster++;
    const get = (key: string) => d.commands.get(key);
    const now = Math.floor(Date.now() / 1000);
    for (let proc = 0; proc < d.queue.count; proc++) {
      const x = (v: string) => expandForProcess(v, proc);
      const cwd = x(get('initialdir') ?? process.cwd());
      const ad: Ad = { ClusterId: cluster, ProcId: proc, JobStatus: 1, QDate: now, EnteredCurrentStatus: now };
      for (const [name, value] of d.attributes) ad[name] = JSON.parse(x(value));
      // The schedd sets Owner from the authenticated submitter, whatever the description says (a `+Owner` is refused or overridden).
      ad.Owner = loginName(r.uid);
      if (get('hold') === 'true') Object.assign(ad, { JobStatus: 5, HoldReasonCode: 15, HoldReason: 'submitted on hold at user\'s request' });
      const output = resolve(cwd, x(get('output') ?? '/dev/null'));
      this.queue.push({
        ad,
        exe: x(get('executable') as string),
        args: get('arguments') ? parseArguments(get('arguments') as string).map(x) : [],
        env: Object.fromEntries(Object.entries(parseEnvironment(get('environment') ?? '""')).map(([k, v]) => [k, x(v)])),
        cwd,
        output,
        error: resolve(cwd, x(get('error') ?? '/dev/null')),
        uid: r.uid,
        gid: r.gid,
        limitSeconds: get('allowed_execute_duration') ? Number(get('allowed_execute_duration')) : null,
        maxMaterialize: get('max_materialize') ? Number(get('max_materialize')) : null,
        child: null,
        timers: [],
        stopping: null,
      });
    }
    setImmediate(() => this.schedule());
    return { code: 0, stdout: `${cluster}.0 - ${cluster}.${d.queue.count - 1}\n`, stderr: '' };
  }

  /** Starts idle processes, never more of a cluster at once than its max_materialize. */
  private schedule(): void {
    for (const p of this.queue) {
      if (p.ad.JobStatus !== 1) continue;
      const active = this.queue.filter((o) => o.ad.ClusterId === p.ad.ClusterId && o.ad.JobStatus === 2).length;
      if (p.maxMaterialize !== null && active >= p.maxMaterialize) continue;
      this.run(p);
    }
  }

  private run(p: Proc): void {
    const out = openSync(p.output, 'w');
    fchownSync(out, p.uid, p.gid);
    const err = p.error === p.output ? out : openSync(p.error, 'w');
    if (err !== out) fchownSync(err, p.uid, p.gid);
    const now = Math.floor(Date.now() / 1000);
    Object.assign(p.ad, { JobStatus: 2, JobStartDate: p.ad.JobStartDate ?? now, JobCurrentStartDate: now, EnteredCurrentStatus: now, RemoteHost: 'slot1_1@emulated-node.example.org' });
    p.child = spawn(p.exe, p.args, { cwd: p.cwd, env: p.env, uid: p.uid, gid: p.gid, stdio: ['ignore', out, err], detached: true });
    closeSync(out);
    if (err !== out) closeSync(err);
    p.child.on('error', () => this.finish(p, 1, null));
    p.child.on('exit', (code, signal) => this.finish(p, code, signal));
    if (p.limitSeconds !== null) {
      p.timers.push(
        setTimeout(() => {
          p.stopping = 'held';
          this.kill(p, 'SIGKILL');
        }, p.limitSeconds * 1000),
      );
    }
  }

  private finish(p: Proc, code: number | null, signal: NodeJS.Signals | null): void {
    if (p.ad.JobStatus !== 2) return;
    p.timers.forEach(clearTimeout);
    p.child = null;
    const now = Math.floor(Date.now() / 1000);
    Object.assign(p.ad, { EnteredCurrentStatus: now, LastRemoteHost: p.ad.RemoteHost });
    delete p.ad.RemoteHost;
    if (p.stopping === 'held') {
      const limit = p.limitSeconds as number;
      Object.assign(p.ad, { JobStatus: 5, HoldReasonCode: 47, HoldReasonSubCode: 0, HoldReason: `The job exceeded allowed execute duration of ${Math.floor(limit / 3600)}+${new Date(limit * 1000).toISOString().slice(11, 19)}` });
    } else if (p.stopping === 'removed') {
      this.leave(p, { JobStatus: 3 });
    } else {
      const bySignal = signal !== null;
      this.leave(p, { JobStatus: 4, CompletionDate: now, ExitBySignal: bySignal, ...(bySignal ? { ExitSignal: constants.signals[signal as NodeJS.Signals] } : { ExitCode: code ?? 1 }) });
    }
    this.schedule();
  }

  private leave(p: Proc, attrs: Ad): void {
    Object.assign(p.ad, attrs, { EnteredCurrentStatus: Math.floor(Date.now() / 1000) });
    this.queue.splice(this.queue.indexOf(p), 1);
    this.history.push(p);
  }

  private kill(p: Proc, signal: NodeJS.Signals): void {
    if (!p.child?.pid) return;
    try {
      process.kill(-p.child.pid, signal);
    } catch {
      // Already gone.
    }
  }

  private remove(argv: string[]): ToolAnswer {
    const c = argv.indexOf('-constraint');
    const constraint = c >= 0 ? argv[c + 1] : `ClusterId == ${Number(argv[argv.length - 1])}`;
    const what = c >= 0 ? ` matching constraint (${constraint})` : ` in cluster ${argv[argv.length - 1]}`;
    const targets = this.queue.filter((p) => matches(constraint, p.ad));
    if (targets.length === 0) return { code: 1, stdout: '', stderr: `\nCouldn't find/remove all jobs${what}\n` };
    for (const p of targets) {
      if (p.ad.JobStatus === 2) {
        p.stopping = 'removed';
        this.kill(p, 'SIGTERM');
        p.timers.push(setTimeout(() => this.kill(p, 'SIGKILL'), VACATE_SECONDS * 1000));
      } else this.leave(p, { JobStatus: 3 });
    }
    return { code: 0, stdout: `All jobs${what} have been marked for removal\n`, stderr: '' };
  }

  private query(from: Proc[], argv: string[]): ToolAnswer {
    if (!argv.includes('-json')) throw new Error('the gateway reads -json');
    const c = argv.indexOf('-constraint');
    const a = argv.indexOf('-attributes');
    const l = argv.indexOf('-limit');
    const since = argv.indexOf('-since');
    const attributes = a >= 0 ? argv[a + 1].split(',') : null;
    // The history is read newest first; -since stops the scan at the first ad its expression holds for.
    let scanned = from === this.history ? [...from].reverse() : from;
    if (since >= 0) {
      const stop = scanned.findIndex((p) => matches(argv[since + 1], p.ad));
      if (stop >= 0) scanned = scanned.slice(0, stop);
    }
    let ads = scanned.filter((p) => c < 0 || matches(argv[c + 1], p.ad)).map((p) => p.ad);
    if (l >= 0) ads = ads.slice(0, Number(argv[l + 1]));
    if (ads.length === 0) return { code: 0, stdout: '', stderr: '' };
    const shown = ads.map((ad) => (attributes ? Object.fromEntries(Object.entries(ad).filter(([k]) => attributes.includes(k))) : ad));
    return { code: 0, stdout: `[\n${shown.map((ad) => JSON.stringify(ad, null, 2)).join('\n,\n')}\n]\n`, stderr: '' };
  }
}
