/**
 * The container's entry point, delivered in the job's ConfigMap beside the script (plain POSIX sh and
 * `tee`: the partition's image needs nothing more). It finds its files next to itself, so it does not
 * depend on where the ConfigMap is mounted.
 *
 * - Arrays: an Indexed Job numbers its pods 0..n-1 (JOB_COMPLETION_INDEX); a Slurm array may be sparse or
 *   stepped (`1,7,20`, `0-30:10`), so completion index k runs the k-th line of `tasks`
 *   ("<array index> <task job id>").
 * - Output: when the working directory is on a shared volume, `stdout.<k>` / `stderr.<k>` name the
 *   --output / --error files there, as Slurm writes them; the output also goes to the pod log (jobOutput).
 * - Cancelled tasks: an index listed in `cancelled` exits 0 at once (an Indexed Job cannot skip an index).
 * - Signals: the kubelet sends SIGTERM to PID 1 only (cancel, time limit); the launcher passes it to every
 *   process of the job, as Slurm does, instead of leaving them to the SIGKILL after the grace period.
 */
export const SCRIPT_DIR = '/hpcg/job';
/** ConfigMap key: array indices cancelled before their pod started, one per line (see KubernetesEngine.cancel). */
export const CANCELLED_KEY = 'cancelled';

export const LAUNCHER = `#!/bin/sh
dir=$(dirname "$0")
k=0
if [ -n "\${JOB_COMPLETION_INDEX:-}" ]; then
  k=$JOB_COMPLETION_INDEX
  i=0
  while read -r index raw; do
    if [ "$i" = "$k" ]; then
      SLURM_ARRAY_TASK_ID=$index
      SLURM_JOB_ID=$raw
      SLURM_JOBID=$raw
      export SLURM_ARRAY_TASK_ID SLURM_JOB_ID SLURM_JOBID
      break
    fi
    i=$((i + 1))
  done < "$dir/tasks"
  if [ -z "\${SLURM_ARRAY_TASK_ID:-}" ]; then
    echo "hpc-gateway: no array task for completion index $k" >&2
    exit 1
  fi
  if [ -f "$dir/${CANCELLED_KEY}" ] && grep -qx "$SLURM_ARRAY_TASK_ID" "$dir/${CANCELLED_KEY}"; then
    echo "hpc-gateway: array task $SLURM_ARRAY_TASK_ID was cancelled before it started"
    exit 0
  fi
fi
if [ ! -f "$dir/stdout.$k" ]; then
  exec "$dir/script" "$@"
fi
out=$(cat "$dir/stdout.$k")
err=
if [ -f "$dir/stderr.$k" ]; then err=$(cat "$dir/stderr.$k"); fi
if [ "$(cat "$dir/open-mode")" != append ]; then
  : > "$out" || exit 1
  if [ -n "$err" ]; then : > "$err" || exit 1; fi
fi
# The job writes to its files and, through fd 4, to the pod log; its exit status comes back on fd 3.
exec 4>&1
if [ -n "$err" ]; then
  { { { "$dir/script" "$@" 3>&- 4>&-; echo $? >&3; } | tee -a "$out" >&4; } 2>&1 | tee -a "$err" >&4; } 3>&1 | { read -r rc; exit "\${rc:-143}"; } &
else
  { { "$dir/script" "$@" 2>&1 3>&- 4>&-; echo $? >&3; } | tee -a "$out" >&4; } 3>&1 | { read -r rc; exit "\${rc:-143}"; } &
fi
job=$!
trap 'trap "" TERM; kill -TERM 0' TERM
wait "$job"
rc=$?
# A trapped signal ends "wait" early: wait again until the job has really ended.
while kill -0 "$job" 2>/dev/null; do
  wait "$job"
  rc=$?
done
exit "$rc"
`;
