import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, cpus, totalmem, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileP, freePort, pidAlive, portOpen, readPidFile, stopPid, until } from './daemons';

/**
 * A real single-node Slurm 22.05 for tests (ENVIRONMENT.md "Slurm"): a private munged, slurmctld and
 * slurmd, and with `accounting` a private mariadbd plus slurmdbd so sacct answers. Everything lives
 * under one temporary directory, binds to 127.0.0.1 on free ports, and is stopped by PID.
 * Packages: scripts/test-deps/slurm.sh.
 */

export interface SlurmClusterState {
  dir: string;
  clusterName: string;
  slurmConf: string;
  nodeName: string;
  accounting: boolean;
  /** Partitions: `debug` (default, 30 min), `short` (2 min), `long` (unlimited). */
  partitions: string[];
  pids: Record<string, number>;
}

export const TEST_PARTITIONS = ['debug', 'short', 'long'];

const BIN = { munged: '/usr/sbin/munged', slurmctld: '/usr/sbin/slurmctld', slurmd: '/usr/sbin/slurmd', slurmdbd: '/usr/sbin/slurmdbd' };

export class SlurmCluster {
  constructor(readonly state: SlurmClusterState) {}

  get slurmConf(): string {
    return this.state.slurmConf;
  }

  /** Environment for Slurm client commands (sbatch, squeue, …) against this cluster. */
  get env(): Record<string, string> {
    return { SLURM_CONF: this.state.slurmConf };
  }

  static async start(options: { accounting?: boolean } = {}): Promise<SlurmCluster> {
    const accounting = options.accounting ?? true;
    const dir = mkdtempSync('/tmp/hpcg-slurm-');
    chmodSync(dir, 0o755);
    const cluster = new SlurmCluster({
      dir,
      clusterName: `t${randomBytes(4).toString('hex')}`,
      slurmConf: join(dir, 'slurm.conf'),
      nodeName: hostname().split('.')[0],
      accounting,
      partitions: TEST_PARTITIONS,
      pids: {},
    });
    try {
      await cluster.boot();
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  private async boot(): Promise<void> {
    const { dir, accounting } = this.state;
    for (const d of ['state', 'spool', 'log', 'run']) mkdirSync(join(dir, d), { recursive: true });
    await this.startMunge();
    const [ctldPort, slurmdPort, dbdPort, dbPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    if (accounting) {
      await this.startMariadb(dbPort);
      await this.startSlurmdbd(dbdPort, dbPort);
    }
    writeFileSync(this.state.slurmConf, this.slurmConfText(ctldPort, slurmdPort, dbdPort));
    await this.startController();
    await this.spawnDaemon('slurmd', BIN.slurmd, ['-N', this.state.nodeName, '-f', this.state.slurmConf], join(dir, 'run', 'slurmd.pid'));
    await this.waitNodeIdle();
  }

  private async startMunge(): Promise<void> {
    const dir = join(this.state.dir, 'munge');
    mkdirSync(dir, { mode: 0o700 });
    const key = join(dir, 'munge.key');
    writeFileSync(key, randomBytes(128), { mode: 0o600 });
    // munged insists: the key private to it, the socket's folder open to every client.
    const runDir = join(this.state.dir, 'munge-run');
    mkdirSync(runDir, { mode: 0o755 });
    const { uid, gid } = await unixIds('munge');
    for (const p of [dir, key, runDir]) chownSync(p, uid, gid);
    const socket = this.mungeSocket;
    const pidFile = join(runDir, 'munged.pid');
    await execFileP('runuser', ['-u', 'munge', '--', BIN.munged, `--socket=${socket}`, `--key-file=${key}`, `--pid-file=${pidFile}`, `--log-file=${join(dir, 'munged.log')}`, `--seed-file=${join(dir, 'munged.seed')}`]);
    await until('munged pid file', () => readPidFile(pidFile) !== null, 10_000);
    this.state.pids.munged = readPidFile(pidFile)!;
  }

  get mungeSocket(): string {
    return join(this.state.dir, 'munge-run', 'munge.socket');
  }

  private async startMariadb(port: number): Promise<void> {
    const data = join(this.state.dir, 'mariadb');
    await execFileP('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { timeout: 120_000 });
    const socket = join(this.state.dir, 'run', 'mariadb.sock');
    const child = spawn(
      '/usr/sbin/mariadbd',
      ['--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1', '--user=root', '--skip-name-resolve', `--pid-file=${join(this.state.dir, 'run', 'mariadb.pid')}`, `--log-error=${join(this.state.dir, 'log', 'mariadb.log')}`, '--innodb-buffer-pool-size=32M', '--innodb-flush-log-at-trx-commit=0'],
      { stdio: 'ignore', detached: true },
    );
    child.unref();
    this.state.pids.mariadbd = child.pid!;
    await until('mariadbd to listen', () => portOpen(port), 60_000, 100);
    // slurmdbd connects over TCP; root@localhost only matches the socket, so grant 127.0.0.1 explicitly.
    await execFileP('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '-e', "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1'; GRANT ALL ON *.* TO 'slurm'@'127.0.0.1'; FLUSH PRIVILEGES;"]);
  }

  private async startSlurmdbd(dbdPort: number, dbPort: number): Promise<void> {
    const dir = this.state.dir;
    const conf = join(dir, 'slurmdbd.conf');
    writeFileSync(
      conf,
      [
        `AuthType=auth/munge`,
        `AuthInfo=socket=${this.mungeSocket}`,
        `DbdAddr=127.0.0.1`,
        `DbdHost=localhost`,
        `DbdPort=${dbdPort}`,
        `SlurmUser=${userInfo().username}`,
        `LogFile=${join(dir, 'log', 'slurmdbd.log')}`,
        `PidFile=${join(dir, 'run', 'slurmdbd.pid')}`,
        `StorageType=accounting_storage/mysql`,
        `StorageHost=127.0.0.1`,
        `StoragePort=${dbPort}`,
        `StorageUser=slurm`,
        `StorageLoc=slurm_acct_${this.state.clusterName}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    // slurmdbd reads slurmdbd.conf from the folder of SLURM_CONF.
    await this.spawnDaemon('slurmdbd', BIN.slurmdbd, [], join(dir, 'run', 'slurmdbd.pid'));
    await until('slurmdbd to listen', () => portOpen(dbdPort), 30_000, 100);
  }

  private slurmConfText(ctldPort: number, slurmdPort: number, dbdPort: number): string {
    const { dir, clusterName, nodeName, accounting } = this.state;
    const cpuCount = Math.max(4, cpus().length * 2);
    const memoryMB = Math.max(1024, Math.floor((totalmem() / 2 ** 20) * 0.5));
    return [
      `ClusterName=${clusterName}`,
      `SlurmctldHost=${nodeName}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      `SlurmUser=${userInfo().username}`,
      `AuthType=auth/munge`,
      `CredType=cred/munge`,
      `AuthInfo=socket=${this.mungeSocket}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'run', 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'run', 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      `ProctrackType=proctrack/linuxproc`,
      `TaskPlugin=task/none`,
      `JobAcctGatherType=jobacct_gather/none`,
      `SelectType=select/cons_tres`,
      `SelectTypeParameters=CR_Core_Memory`,
      // Jobs that name no memory must not take the whole node.
      `DefMemPerCPU=64`,
      `SchedulerParameters=sched_interval=1`,
      `ReturnToService=2`,
      `KillWait=2`,
      `MaxArraySize=100001`,
      `MaxJobCount=100000`,
      // The test node claims more CPUs than the machine has: sleeping test jobs need slots, not cores.
      `SlurmdParameters=config_overrides`,
      `MpiDefault=none`,
      `MailProg=/bin/true`,
      `SwitchType=switch/none`,
      ...(accounting
        ? [`AccountingStorageType=accounting_storage/slurmdbd`, `AccountingStorageHost=127.0.0.1`, `AccountingStoragePort=${dbdPort}`, `AccountingStoragePass=${this.mungeSocket}`, `AccountingStoreFlags=job_comment`, `JobCompType=jobcomp/none`]
        : [`AccountingStorageType=accounting_storage/none`]),
      `NodeName=${nodeName} NodeAddr=127.0.0.1 CPUs=${cpuCount} RealMemory=${memoryMB} State=UNKNOWN`,
      `PartitionName=debug Nodes=ALL Default=YES MaxTime=30:00 State=UP`,
      `PartitionName=short Nodes=ALL MaxTime=2:00 State=UP`,
      `PartitionName=long Nodes=ALL MaxTime=INFINITE State=UP`,
      '',
    ].join('\n');
  }

  /** Starts (or restarts) slurmctld; it recovers its saved state, so queued jobs survive a restart. */
  async startController(): Promise<void> {
    if (await this.controllerUp()) return;
    await this.spawnDaemon('slurmctld', BIN.slurmctld, ['-f', this.state.slurmConf], join(this.state.dir, 'run', 'slurmctld.pid'));
    await until('slurmctld to answer', () => this.controllerUp(), 30_000, 100);
  }

  async controllerUp(): Promise<boolean> {
    return (await this.command('scontrol', ['ping']).catch(() => '')).includes('is UP');
  }

  async stopController(): Promise<void> {
    await stopPid(this.state.pids.slurmctld ?? null);
    delete this.state.pids.slurmctld;
  }

  /** Stops slurmdbd by its PID (an accounting outage): slurmctld keeps running and queues its records. */
  async stopSlurmdbd(): Promise<void> {
    await stopPid(this.state.pids.slurmdbd ?? null);
    delete this.state.pids.slurmdbd;
  }

  /** Runs a Slurm client command against this cluster as root; resolves with stdout. */
  async command(cmd: string, args: string[], input?: string): Promise<string> {
    const child = execFileP(cmd, args, { env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', ...this.env }, timeout: 60_000, maxBuffer: 64 * 2 ** 20 });
    if (input !== undefined) {
      child.child.stdin!.end(input);
    }
    return (await child).stdout;
  }

  private async waitNodeIdle(): Promise<void> {
    await until('the node to be idle', async () => /idle|mix|alloc/.test(await this.command('sinfo', ['-h', '-N', '-o', '%t']).catch(() => '')), 30_000, 100);
  }

  /** Daemons that fork: wait for the pid file to name a live process. */
  private async spawnDaemon(name: string, bin: string, args: string[], pidFile: string): Promise<void> {
    rmSync(pidFile, { force: true });
    await execFileP(bin, args, { env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', ...this.env }, timeout: 30_000 }).catch((e: Error & { stderr?: string }) => {
      throw new Error(`${name} failed to start: ${e.message} ${e.stderr ?? ''} (logs in ${join(this.state.dir, 'log')})`);
    });
    await until(`${name} pid file`, () => {
      const pid = readPidFile(pidFile);
      return pid !== null && pidAlive(pid);
    });
    this.state.pids[name] = readPidFile(pidFile)!;
  }

  async stop(): Promise<void> {
    const order = ['slurmd', 'slurmctld', 'slurmdbd', 'mariadbd', 'munged'];
    // slurmctld may have been restarted by another process sharing this cluster: its pid file is the truth.
    const ctld = readPidFile(join(this.state.dir, 'run', 'slurmctld.pid'));
    if (ctld !== null && pidAlive(ctld)) this.state.pids.slurmctld = ctld;
    // Job processes are children of slurmstepd, which outlives slurmd: cancel every job while the
    // daemons still run, so that none outlives the cluster (a failed test may leave one running).
    if (ctld !== null && pidAlive(ctld)) {
      const ids = (await this.command('squeue', ['-h', '-o', '%i']).catch(() => '')).split('\n').filter(Boolean);
      if (ids.length > 0) {
        await this.command('scancel', ids).catch(() => undefined);
        await until('the jobs to end', async () => (await this.command('squeue', ['-h', '-o', '%i']).catch(() => '')).trim() === '', 15_000, 200).catch(() => undefined);
      }
    }
    for (const name of order) await stopPid(this.state.pids[name] ?? null, 10_000);
    this.state.pids = {};
    if (!process.env.HPCG_TEST_KEEP_DAEMON_DIRS) rmSync(this.state.dir, { recursive: true, force: true });
  }
}

async function unixIds(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([execFileP('id', ['-u', user]), execFileP('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
