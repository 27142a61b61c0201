import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobController } from './job-controller';
import { containerArgv, containerEnvironment } from './kubelet-expansion';
import type { ObjectStore } from './object-store';

type Obj = Record<string, any>;

/** Kubernetes' default grace period between SIGTERM and SIGKILL. */
const DEFAULT_GRACE_SECONDS = 30;

interface RunningPod {
  child: ChildProcess;
  dir: string;
  graceSeconds: number;
  deadline: NodeJS.Timeout | null;
  kill: NodeJS.Timeout | null;
  /** Why the kubelet stopped the pod: its deadline, or its deletion. */
  stopped: 'deadline' | 'deleted' | null;
}

/**
 * A kubelet for the emulation that runs each pod of the gateway's Jobs as a local process, so that an
 * end-to-end test sees the job's own script decide states, exit codes and output. What it does as a node
 * does: the container's command with its env, workingDir and uid/gid (not the supplementary groups); configMap and
 * emptyDir volumes as private directories; `activeDeadlineSeconds` (pod Failed, DeadlineExceeded); on
 * deletion or deadline SIGTERM to the entry point (PID 1) and SIGKILL to all its processes after
 * `terminationGracePeriodSeconds`; stdout and stderr into the pod log. What it cannot do: images (the
 * host's own /bin/sh runs the script) and isolation. Persistent volumes (PVC, NFS) stand for the site's
 * shared filesystem and are this host's directories at the same path, as on a cluster whose nodes mount
 * the home file system where the login node does.
 */
export class ProcessKubelet {
  private readonly pods = new Map<string, RunningPod>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly store: ObjectStore,
    private readonly controller: JobController,
  ) {}

  start(): void {
    this.unsubscribe = this.store.subscribe((resource, e) => {
      if (resource !== 'pods') return;
      const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      if (e.type === 'ADDED') {
        setImmediate(() => {
          try {
            this.run(key, e.object);
          } catch (err) {
            // As a kubelet that cannot set the pod up: it stays Pending, and says why in its log.
            this.controller.log(e.object, `kubelet: ${(err as Error).message}\n`);
          }
        });
      }
      if (e.type === 'DELETED') this.stop(key, 'deleted');
    });
  }

  /** Kills what still runs (SIGKILL) and removes the pods' directories. */
  stopAll(): void {
    this.unsubscribe?.();
    for (const [key, p] of this.pods) {
      killGroup(p.child, 'SIGKILL');
      this.forget(key);
    }
  }

  private run(key: string, pod: Obj): void {
    // Deleted before the node got to it (a cancel right after submission).
    if (!this.store.get('pods', pod.metadata.namespace, pod.metadata.name)) return;
    const container = pod.spec.containers[0];
    const security = { ...pod.spec.securityContext, ...container.securityContext };
    const dir = mkdtempSync(join(tmpdir(), 'hpcg-kubelet-'));
    chmodSync(dir, 0o755);
    const mapped = this.mountVolumes(pod, dir, security);
    const path = (p: string) => {
      const mount = mapped.find((m) => p === m.mountPath || p.startsWith(`${m.mountPath}/`));
      return mount ? mount.dir + p.slice(mount.mountPath.length) : p;
    };
    const env = containerEnvironment(container, (name) => this.secret(pod.metadata.namespace, name), (field) => {
      if (field === 'spec.nodeName') return 'node-1';
      throw new Error(`fieldRef ${field} is not emulated`);
    });
    // Only the entry point is this host's file: the arguments reach the script exactly as the kubelet expands them.
    const [shell, launcher, ...args] = containerArgv(container, env);
    const command = path(shell);
    args.unshift(path(launcher));
    const child = spawn(command, args, {
      cwd: path(container.workingDir ?? '/'),
      env,
      uid: security.runAsUser,
      gid: security.runAsGroup,
      // The container's PID 1 leads its own group: the SIGKILL after the grace period reaches every process.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const running: RunningPod = { child, dir, graceSeconds: pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS, deadline: null, kill: null, stopped: null };
    this.pods.set(key, running);
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => this.controller.log(pod, chunk.toString()));
    child.on('error', (e) => this.controller.log(pod, `kubelet: ${e.message}\n`));
    this.controller.run(pod);
    const seconds = pod.spec.activeDeadlineSeconds;
    if (seconds) running.deadline = setTimeout(() => this.stop(key, 'deadline'), seconds * 1000);
    child.on('close', (code, signal) => {
      this.forget(key);
      if (running.stopped === 'deleted' || !this.store.get('pods', pod.metadata.namespace, pod.metadata.name)) return;
      if (running.stopped === 'deadline') this.controller.deadline(pod);
      else if (code === 0) this.controller.succeed(pod);
      else this.controller.fail(pod, code ?? 128 + signalNumber(signal));
    });
  }

  /** SIGTERM to the entry point, as the kubelet does; SIGKILL to all its processes after the grace period. */
  private stop(key: string, why: 'deadline' | 'deleted'): void {
    const p = this.pods.get(key);
    if (!p || p.stopped) return;
    p.stopped = why;
    p.child.kill('SIGTERM');
    p.kill = setTimeout(() => killGroup(p.child, 'SIGKILL'), p.graceSeconds * 1000);
  }

  private forget(key: string): void {
    const p = this.pods.get(key);
    if (!p) return;
    if (p.deadline) clearTimeout(p.deadline);
    if (p.kill) clearTimeout(p.kill);
    rmSync(p.dir, { recursive: true, force: true });
    this.pods.delete(key);
  }

  private secret(namespace: string, name: string): Record<string, string> | null {
    const s = this.store.get('secrets', namespace, name);
    return s ? Object.fromEntries(Object.entries<string>(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])) : null;
  }

  /** configMap and emptyDir volumes as directories of this pod; their mount paths map there. */
  private mountVolumes(pod: Obj, dir: string, security: Obj): { mountPath: string; dir: string }[] {
    const mounts: { mountPath: string; dir: string }[] = [];
    for (const m of pod.spec.containers[0].volumeMounts ?? []) {
      const volume = (pod.spec.volumes ?? []).find((v: Obj) => v.name === m.name);
      if (!volume?.configMap && !volume?.emptyDir) continue;
      const target = join(dir, m.name);
      mkdirSync(target);
      if (volume.configMap) {
        const cm = this.store.get('configmaps', pod.metadata.namespace, volume.configMap.name);
        if (!cm) throw new Error(`pod ${pod.metadata.name}: configmap "${volume.configMap.name}" not found`);
        for (const [name, text] of Object.entries<string>(cm.data ?? {})) writeFileSync(join(target, name), text, { mode: volume.configMap.defaultMode ?? 0o644 });
        chmodSync(target, 0o755);
      } else {
        // fsGroup: the pod's group owns its writable volumes.
        chownSync(target, security.runAsUser, security.fsGroup ?? security.runAsGroup);
        chmodSync(target, 0o2775);
      }
      mounts.push({ mountPath: m.mountPath, dir: target });
    }
    return mounts;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (constants.signals[signal] ?? 0) : 0;
}
