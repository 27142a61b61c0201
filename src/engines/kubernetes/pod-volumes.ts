import type { KubernetesVolumeConfig } from '../../config/kubernetes-engine.schema';
import { badInput } from '../../common/domain-error';

/**
 * The pod's file system (readOnlyRootFilesystem: true): the site's volumes, and emptyDir volumes where a
 * job needs to write and has no shared volume: `/tmp`, the home when no volume holds it, and `/scratch` as
 * the working directory when no shared volume holds the submit directory.
 */
export interface PodVolumes {
  volumes: Record<string, any>[];
  mounts: Record<string, any>[];
  /** The site volume that holds the working directory: the job runs there and writes its output files there. */
  workdirVolume: KubernetesVolumeConfig | null;
  workingDir: string;
  /** HOME as the job sees it. */
  home: string;
}

export const SCRATCH_DIR = '/scratch';
const TMP_DIR = '/tmp';

export function podVolumes(config: { volumes: KubernetesVolumeConfig[] }, username: string, home: string | null, workdir: string, where: string): PodVolumes {
  const volumes: Record<string, any>[] = [];
  const mounts: Record<string, any>[] = [];
  const emptyDir = (name: string, mountPath: string) => {
    volumes.push({ name, emptyDir: {} });
    mounts.push({ name, mountPath });
  };
  const holder = (path: string) => deepest(config.volumes, path);
  const site = holder(workdir);
  if (site?.emptyDir || (!site && isUnder(workdir, TMP_DIR))) {
    const name = site ? `volume "${site.name}" (emptyDir at ${site.mountPath})` : `${TMP_DIR} (an emptyDir)`;
    throw badInput(`working directory ${workdir} is on ${name} of ${where}, which is discarded with the pod, so the job's output files would be lost: ${sharedAdvice(config.volumes)}`, { field: 'workdir', value: workdir, shared: sharedVolumes(config.volumes) });
  }
  if (site?.readOnly) {
    throw badInput(`working directory ${workdir} is on read-only volume "${site.name}" (${site.mountPath}) of ${where}, where the job cannot write its output: ${sharedAdvice(config.volumes)}`, { field: 'workdir', value: workdir, shared: sharedVolumes(config.volumes) });
  }
  const homeHolder = home ? holder(home) : null;
  // Parents before children: a home emptyDir under a site volume's path would otherwise be hidden by it.
  if (home && !homeHolder && home !== '/') emptyDir('hpcg-home', home);
  if (!config.volumes.some((v) => v.mountPath === TMP_DIR)) emptyDir('hpcg-tmp', TMP_DIR);
  if (!site) emptyDir('hpcg-scratch', SCRATCH_DIR);
  for (const v of config.volumes) {
    const source = v.persistentVolumeClaim
      ? { persistentVolumeClaim: { claimName: v.persistentVolumeClaim.claimName.replaceAll('{username}', username), readOnly: v.readOnly } }
      : { emptyDir: v.emptyDir?.sizeLimit !== undefined ? { sizeLimit: String(v.emptyDir.sizeLimit) } : {} };
    volumes.push({ name: v.name, ...source });
    mounts.push({ name: v.name, mountPath: v.mountPath, readOnly: v.readOnly, ...(v.subPath ? { subPath: v.subPath.replaceAll('{username}', username) } : {}) });
  }
  const workingDir = site ? workdir : SCRATCH_DIR;
  return { volumes, mounts, workdirVolume: site, workingDir, home: home ?? workingDir };
}

/**
 * An --output / --error file must land on a writable shared volume, or it is lost with the pod (emptyDir)
 * or cannot be written (the read-only root file system, a read-only volume).
 */
export function checkOutputPath(config: { volumes: KubernetesVolumeConfig[] }, path: string, option: string, where: string): void {
  const v = deepest(config.volumes, path);
  if (v && v.persistentVolumeClaim && !v.readOnly) return;
  const why = !v ? 'on no volume (the container file system is read-only)' : v.emptyDir ? `on volume "${v.name}" (emptyDir at ${v.mountPath}), which is discarded with the pod` : `on read-only volume "${v.name}" (${v.mountPath})`;
  throw badInput(`${option} file ${path} is ${why} of ${where}: ${sharedAdvice(config.volumes)}`, { option, value: path, shared: sharedVolumes(config.volumes) });
}

function sharedVolumes(volumes: KubernetesVolumeConfig[]): string[] {
  return volumes.filter((v) => v.persistentVolumeClaim && !v.readOnly).map((v) => v.mountPath);
}

function sharedAdvice(volumes: KubernetesVolumeConfig[]): string {
  const shared = volumes.filter((v) => v.persistentVolumeClaim && !v.readOnly);
  if (shared.length === 0) return 'the partition has no writable shared volume; submit from a directory outside any volume (the job then runs in /scratch and its output is in the pod log, see hpcg output)';
  return `use a directory on a shared volume of the partition: ${shared.map((v) => `"${v.name}" (${v.mountPath})`).join(', ')}`;
}

/** The volume whose mount path holds `path`, the innermost when mounts nest. */
function deepest(volumes: KubernetesVolumeConfig[], path: string): KubernetesVolumeConfig | null {
  return volumes.filter((v) => isUnder(path, v.mountPath)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0] ?? null;
}

function isUnder(path: string, dir: string): boolean {
  const base = dir.endsWith('/') ? dir : `${dir}/`;
  return path === dir || path.startsWith(base);
}
