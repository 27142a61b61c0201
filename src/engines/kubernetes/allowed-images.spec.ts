import { DomainError } from '../../common/domain-error';
import { checkImage, partitionImages } from './allowed-images';
import { kubernetesPartitionSchema, parseKubernetesPartitions } from './kubernetes-partition';

const kube = { name: 'kube', image: 'registry.example/hpc/base:1.0' };
const profiles = [
  { partition: 'kube', image: 'jupyter/scipy-notebook:2024', userOptions: { image: ['jupyter/scipy-notebook:2024', 'jupyter/r-notebook:2024'] } },
  { partition: 'kube', image: 'jupyter/minimal:1', userOptions: {} },
  { partition: 'gpu', image: 'nvidia/cuda:12', userOptions: {} },
  { partition: 'kube', image: null, userOptions: {} },
];

describe('the images a Kubernetes partition may run', () => {
  it("are the partition's image, its allowedImages and its own notebook profiles' images, nothing else", () => {
    expect(partitionImages({ ...kube, allowedImages: ['registry.example/hpc/extra:2'] }, profiles)).toEqual([
      'registry.example/hpc/base:1.0',
      'registry.example/hpc/extra:2',
      'jupyter/scipy-notebook:2024',
      'jupyter/r-notebook:2024',
      'jupyter/minimal:1',
    ]);
    expect(partitionImages(kube)).toEqual(['registry.example/hpc/base:1.0']);
  });

  it('match exactly: another tag, no tag, another registry or a prefix is refused with the allowed list', () => {
    const allowed = partitionImages(kube, profiles);
    expect(checkImage('jupyter/r-notebook:2024', allowed, 'kube')).toBe('jupyter/r-notebook:2024');
    for (const image of ['docker.io/library/alpine', 'registry.example/hpc/base', 'registry.example/hpc/base:1.0-root', 'docker.io/registry.example/hpc/base:1.0', 'nvidia/cuda:12', 'JUPYTER/minimal:1']) {
      expect(() => checkImage(image, allowed, 'kube')).toThrow(DomainError);
      try {
        checkImage(image, allowed, 'kube');
      } catch (e) {
        expect(e).toMatchObject({ code: 'FORBIDDEN', details: { field: 'image', value: image, allowed } });
        expect((e as Error).message).toBe(`image "${image}" is not allowed on Kubernetes partition kube: allowed ${allowed.join(', ')}`);
      }
    }
  });

  it('are validated in the site file: no wildcard, no blank, a list of strings', () => {
    expect(kubernetesPartitionSchema.safeParse({ image: 'a:1', allowedImages: ['b:2'] }).success).toBe(true);
    for (const allowedImages of [['repo/*'], ['b:?'], ['b 2'], [''], 'b:2']) {
      expect(kubernetesPartitionSchema.safeParse({ image: 'a:1', allowedImages }).success).toBe(false);
    }
    expect(kubernetesPartitionSchema.safeParse({ image: 'docker.io/*' }).success).toBe(false);
    const partition = { name: 'kube', engine: 'k8s', default: true, allowGroups: [], maxTimeMinutes: -1, defaultTimeMinutes: -1, enginePartition: 'kube' };
    expect(() => parseKubernetesPartitions('k8s', [{ ...partition, image: 'a:1', allowedImages: ['x/*'] } as never])).toThrow(/partitions\.kube\.allowedImages\.0: a container image reference, matched exactly/);
    expect(parseKubernetesPartitions('k8s', [{ ...partition, image: 'a:1' } as never], profiles).get('kube')?.allowedImages).toEqual(['a:1', 'jupyter/scipy-notebook:2024', 'jupyter/r-notebook:2024', 'jupyter/minimal:1']);
  });
});
