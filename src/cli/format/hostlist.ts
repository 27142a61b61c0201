/**
 * The first host of a Slurm host list (`node[01-04,07],gpu1` → `node01`): where a batch step runs.
 */
export function firstHost(nodeList: string | null): string | null {
  if (!nodeList) return null;
  const m = /^([^,[]*)(?:\[(\d+))?/.exec(nodeList.trim());
  if (!m) return null;
  return m[2] === undefined ? m[1] : `${m[1]}${m[2]}`;
}
