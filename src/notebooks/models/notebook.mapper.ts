import type { QueuePosition, NotebookRow } from '../notebooks.repository';
import { publicOptions, type NotebookOptions, OPTION_LABELS, changeable, defaultOptions } from '../notebook-options';
import { formatTimeValue } from '../../sbatch';
import { type ResolvedProfile, formatMemory } from '../notebook-profiles';
import { type MessageFacts, notebookMessage, notebookUrl } from '../notebook-state';
import type { NotebookModel, NotebookProfileModel, NotebookProfileOptionModel } from './notebook.model';

export function toNotebookModel(row: NotebookRow, queue: QueuePosition | undefined, expectedStart: MessageFacts['expectedStart'] = null): NotebookModel {
  const pending = row.state === 'PENDING';
  const queuePosition = pending ? (queue?.position ?? null) : null;
  return {
    id: row.id,
    jobId: row.jobId,
    user: row.user.username,
    serverName: row.serverName,
    profile: row.profile,
    options: publicOptions(row.options as unknown as NotebookOptions),
    state: row.state,
    reason: row.reason,
    queuePosition,
    message: notebookMessage({
      state: row.state,
      reason: row.reason,
      partition: row.job.partition,
      jobId: row.jobId,
      nodeList: row.job.nodeList,
      host: row.host,
      port: row.port,
      queuePosition,
      queueLength: pending ? (queue?.total ?? null) : null,
      expectedStart: pending ? expectedStart : null,
    }),
    host: row.host,
    port: row.port,
    url: row.state === 'READY' ? notebookUrl(row.host, row.port) : null,
    stopRequested: row.stopRequested,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    readyAt: row.readyAt,
    endedAt: row.endedAt,
  };
}

export function toProfileModel(p: ResolvedProfile): NotebookProfileModel {
  const d = defaultOptions(p);
  const u = p.userOptions;
  const option = (name: NotebookProfileOptionModel['name'], dflt: string, min: string | null, max: string | null, choices: string[] | null = null): NotebookProfileOptionModel => ({
    name,
    ...OPTION_LABELS[name as keyof typeof OPTION_LABELS],
    default: dflt,
    min,
    max,
    choices,
  });
  const options = changeable(p).map((name) => {
    if (name === 'cpus') return option(name, String(d.cpus), String(u.cpus!.min), String(u.cpus!.max));
    if (name === 'gpus') return option(name, String(d.gpus), String(u.gpus!.min), String(u.gpus!.max));
    if (name === 'memory') return option(name, d.memory, formatMemory(u.memoryMB!.min), formatMemory(u.memoryMB!.max));
    if (name === 'time') return option(name, d.time, formatTimeValue(u.timeMinutes!.min), formatTimeValue(u.timeMinutes!.max));
    return option(name, d.image!, null, null, u.image!);
  });
  return {
    name: p.name,
    description: p.description,
    partition: p.partition,
    image: p.image,
    cpus: p.cpus,
    memory: formatMemory(p.memoryMB),
    memoryMB: p.memoryMB,
    gpus: p.gpus,
    maxTime: formatTimeValue(p.maxTimeMinutes),
    maxTimeMinutes: p.maxTimeMinutes,
    allowGroups: p.allowGroups ?? [],
    options,
  };
}
