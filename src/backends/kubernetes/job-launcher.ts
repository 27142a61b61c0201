/**
 * The container's entry point, delivered in the job's ConfigMap beside the script. An Indexed Job numbers
 * its pods 0..n-1 (JOB_COMPLETION_INDEX); a Slurm array may be sparse or stepped (`1,7,20`, `0-30:10`), so
 * completion index k runs the k-th line of `tasks` ("<array index> <task job id>"). Plain POSIX sh: the
 * partition's image needs nothing but /bin/sh.
 */
export const SCRIPT_DIR = '/hpcg/job';

export const LAUNCHER = `#!/bin/sh
if [ -n "\${JOB_COMPLETION_INDEX:-}" ]; then
  k=0
  while read -r index raw; do
    if [ "$k" = "$JOB_COMPLETION_INDEX" ]; then
      SLURM_ARRAY_TASK_ID=$index
      SLURM_JOB_ID=$raw
      SLURM_JOBID=$raw
      export SLURM_ARRAY_TASK_ID SLURM_JOB_ID SLURM_JOBID
      break
    fi
    k=$((k + 1))
  done < ${SCRIPT_DIR}/tasks
  if [ -z "\${SLURM_ARRAY_TASK_ID:-}" ]; then
    echo "hpc-gateway: no array task for completion index $JOB_COMPLETION_INDEX" >&2
    exit 1
  fi
fi
exec ${SCRIPT_DIR}/script "$@"
`;
