/**
 * `squeue --json`: one record per job, array task or set of pending tasks, with the keys, order and
 * unset conventions of Slurm 22.05's openapi/v0.0.38 dump_job_info (src/plugins/openapi/v0.0.38/jobs.c):
 * null where Slurm has NO_VAL, "" for an unset string, 0 for an unset time. What only a Slurm
 * controller knows (priority, the scheduler's passes, association ids, which cores) is left unset.
 */
import { SLURM_LONG_STATE } from '../../domain/job';
import type { JsonCValue } from './json-c';
import { effectiveTimeLimit, expectedEnd, isPending, type PartitionLimits, reasonText, tresPerNode, tresText, waitStatus } from './job-facts';
import { type PrintedJob } from './printed-jobs';
import { expandHostList, firstHost } from './hostlist';
import { formatIndexRanges } from './index-ranges';
import { epoch } from './slurm-json';

export interface SqueueJsonContext {
  limits: PartitionLimits;
  /** The site's cluster name (Slurm's ClusterName). */
  cluster: string;
  groupName?(gid: number): string;
}

const spec = <T>(r: PrintedJob, key: string) => r.job.spec?.[key] as T | null | undefined;
const started = (r: PrintedJob) => r.startTime !== null && !isPending(r);

/** Reasons that keep a job from being eligible at all: Slurm leaves its eligible_time at 0. */
const INELIGIBLE = /^(JobHeld|Dependency|BeginTime|JobArrayTaskLimit)/;

/** Scheduler flags the gateway can tell from the request and the state (slurm.h job bitflags). */
function flags(r: PrintedJob): string[] {
  const out: string[] = [];
  if (typeof spec<number>(r, 'cpusPerTask') === 'number') out.push('JOB_CPUS_SET');
  if (r.state === 'RUNNING' || r.state === 'SUSPENDED') out.push('JOB_WAS_RUNNING');
  if (['memPerNodeMB', 'memPerCpuMB', 'memPerGpuMB'].some((k) => typeof spec<number>(r, k) === 'number')) out.push('JOB_MEM_SET');
  return out;
}

function gpusPer(r: PrintedJob, per: 'job' | 'task'): string {
  const gpus = spec<{ count?: number; type?: string | null; per?: string }>(r, 'gpus');
  if (!gpus || gpus.per !== per || typeof gpus.count !== 'number') return '';
  return `gres:gpu:${gpus.type ? `${gpus.type}:` : ''}${gpus.count}`;
}

/** What the job holds: its nodes and CPUs. Which sockets and cores a node gave it only slurmctld knows. */
function jobResources(r: PrintedJob): JsonCValue {
  const nodes = expandHostList(r.nodeList ?? '');
  const perNode = typeof spec<number>(r, 'memPerNodeMB') === 'number' ? spec<number>(r, 'memPerNodeMB')! : 0;
  return {
    nodes: r.nodeList ?? '',
    allocated_cores: r.job.cpus,
    allocated_hosts: nodes.length,
    allocated_nodes: nodes.map((nodename) => ({ sockets: {}, nodename, cpus_used: 0, memory_used: 0, memory_allocated: perNode })),
  };
}

function memoryKeys(r: PrintedJob): { memory_per_node: number | null; memory_per_cpu: number | null } {
  const perCpu = spec<number>(r, 'memPerCpuMB');
  if (typeof perCpu === 'number') return { memory_per_node: null, memory_per_cpu: perCpu };
  const perNode = spec<number>(r, 'memPerNodeMB');
  return { memory_per_node: typeof perNode === 'number' && perNode > 0 ? perNode : null, memory_per_cpu: null };
}

export function squeueJsonJob(r: PrintedJob, ctx: SqueueJsonContext): JsonCValue {
  const { job } = r;
  const run = started(r);
  const limit = effectiveTimeLimit(r, ctx.limits);
  const eligible = isPending(r) && INELIGIBLE.test(reasonText(r)) ? 0 : epoch(job.eligibleTime);
  const gid = job.gid ?? null;
  const deadline = spec<string>(r, 'deadline');
  const throttle = job.arrayMaxConcurrent ? `%${job.arrayMaxConcurrent}` : '';
  const record: Record<string, JsonCValue> = {
    account: job.account ?? '',
    accrue_time: eligible,
    admin_comment: '',
    array_job_id: job.isArray ? job.id : 0,
    array_task_id: r.arrayIndex,
    array_max_tasks: job.isArray ? (job.arrayMaxConcurrent ?? 0) : 0,
    array_task_string: r.taskSet ? `${formatIndexRanges(r.taskSet)}${throttle}` : '',
    association_id: 0,
    batch_features: '',
    batch_flag: true,
    batch_host: (run && firstHost(r.nodeList)) || '',
    flags: flags(r),
    burst_buffer: '',
    burst_buffer_state: '',
    cluster: ctx.cluster,
    cluster_features: '',
    // The gateway keeps the script, not the path it was read from.
    command: '',
    comment: job.comment ?? '',
    container: '',
    contiguous: false,
    core_spec: null,
    thread_spec: null,
    cores_per_socket: null,
    // Billing weights are a Slurm cluster's (TRESBillingWeights); the gateway has none.
    billable_tres: null,
    // 22.05 prints cpus_per_task only when a CPU frequency was requested (its test reads cpu_freq_min).
    cpus_per_task: null,
    cpu_frequency_minimum: null,
    cpu_frequency_maximum: null,
    cpu_frequency_governor: null,
    cpus_per_tres: '',
    deadline: epoch(deadline),
    delay_boot: 0,
    dependency: job.dependency ?? '',
    derived_exit_code: 0,
    eligible_time: eligible,
    end_time: isPending(r) ? 0 : epoch(expectedEnd(r, ctx.limits)),
    excluded_nodes: '',
    exit_code: waitStatus(r),
    features: spec<string>(r, 'constraint') ?? '',
    federation_origin: '',
    federation_siblings_active: '',
    federation_siblings_viable: '',
    gres_detail: [],
  };
  if (gid === null) record.group_id = null;
  else Object.assign(record, { group_id: gid, group_name: ctx.groupName?.(gid) ?? '' });
  record.job_id = r.rawId;
  if (run && r.nodeList) record.job_resources = jobResources(r);
  Object.assign(record, {
    job_state: SLURM_LONG_STATE[r.state],
    last_sched_evaluation: 0,
    licenses: '',
    max_cpus: 0,
    max_nodes: 0,
    mcs_label: '',
    memory_per_tres: '',
    name: job.name,
    nodes: run ? (r.nodeList ?? '') : '',
    nice: null,
    tasks_per_core: null,
    tasks_per_node: spec<number>(r, 'ntasksPerNode') ?? 0,
    tasks_per_socket: null,
    tasks_per_board: 0,
    cpus: job.cpus,
    node_count: job.nodes,
    tasks: spec<number>(r, 'ntasks') ?? 1,
    het_job_id: 0,
    het_job_id_set: '',
    het_job_offset: 0,
    partition: job.partition,
    prefer: '',
    ...memoryKeys(r),
    minimum_cpus_per_node: Math.ceil(job.cpus / Math.max(1, job.nodes)),
    minimum_tmp_disk_per_node: 0,
    preempt_time: 0,
    pre_sus_time: 0,
    // The gateway orders its own queue; a held job is priority 0 in Slurm too.
    priority: r.state === 'HELD' ? 0 : null,
    profile: null,
    qos: spec<string>(r, 'qos') ?? '',
    reboot: false,
    required_nodes: '',
    requeue: spec<boolean>(r, 'requeue') !== false,
    resize_time: 0,
    restart_cnt: 0,
    resv_name: '',
    shared: spec<boolean>(r, 'exclusive') ? 'none' : null,
    show_flags: ['SHOW_ALL', 'SHOW_DETAIL', 'SHOW_LOCAL'],
    sockets_per_board: 0,
    sockets_per_node: null,
    start_time: run ? epoch(r.startTime) : 0,
    state_description: '',
    state_reason: reasonText(r),
    standard_error: spec<string>(r, 'error') ?? '',
    standard_input: spec<string>(r, 'input') ?? '/dev/null',
    standard_output: job.stdoutPath ?? '',
    submit_time: epoch(job.submitTime),
    suspend_time: 0,
    system_comment: '',
    time_limit: limit === null || limit < 0 ? null : limit,
    time_minimum: spec<number>(r, 'timeMinMinutes') ?? 0,
    threads_per_core: null,
    tres_bind: '',
    tres_freq: '',
    tres_per_job: gpusPer(r, 'job'),
    tres_per_node: tresPerNode(job.spec) ?? '',
    tres_per_socket: '',
    tres_per_task: gpusPer(r, 'task'),
    tres_req_str: tresText(r),
    tres_alloc_str: run ? tresText(r) : '',
    user_id: job.uid ?? null,
    user_name: job.user,
    wckey: '',
    current_working_directory: job.workdir,
  });
  return record;
}
