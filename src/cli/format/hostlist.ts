/**
 * Slurm host lists (`node[01-04,07],gpu1`): the first host (where a batch step runs) and every host
 * (sinfo -N's one line per node). Zero padding of a range is kept (`[08-10]` → node08 node09 node10).
 */
export function firstHost(nodeList: string | null): string | null {
  if (!nodeList) return null;
  const m = /^([^,[]*)(?:\[(\d+))?/.exec(nodeList.trim());
  if (!m) return null;
  return m[2] === undefined ? m[1] : `${m[1]}${m[2]}`;
}

export function expandHostList(nodeList: string): string[] {
  const hosts: string[] = [];
  // Split on commas outside brackets.
  for (const item of nodeList.match(/[^,[\]]*(?:\[[^\]]*\][^,[\]]*)*/g)?.filter(Boolean) ?? []) {
    const m = /^([^[]*)\[([^\]]*)\](.*)$/.exec(item);
    if (!m) {
      hosts.push(item);
      continue;
    }
    for (const part of m[2].split(',')) {
      const [from, to = from] = part.split('-');
      const width = from.length;
      for (let n = Number(from); n <= Number(to); n++) hosts.push(`${m[1]}${String(n).padStart(width, '0')}${m[3]}`);
    }
  }
  return hosts;
}
