import { forbidden } from '../../common/domain-error';

/**
 * Which container images a Kubernetes partition runs (issue 13, item 9). The image is the whole root
 * file system of the job: a user who could name any image could run software the site never vetted
 * (or one built to exploit the node). So the site lists them: the partition's `image`, its
 * `allowedImages`, and the `image` / `userOptions.image.choices` of the notebook profiles on it.
 * References are compared exactly, as written in the site file: no tag or registry wildcard, and no
 * normalisation ("alpine" and "docker.io/library/alpine:latest" are different entries).
 */

/** The profile keys that name images; a structural subset of ResolvedProfile. */
export interface ImageProfile {
  partition: string;
  image: string | null;
  userOptions: { image?: string[] };
}

/** Every image the site allowed on `partition`: its own first (the default), then its list, then its notebook profiles'. */
export function partitionImages(partition: { name: string; image: string; allowedImages?: string[] }, profiles: ImageProfile[] = []): string[] {
  const images = [partition.image, ...(partition.allowedImages ?? [])];
  for (const p of profiles.filter((x) => x.partition === partition.name)) {
    if (p.image) images.push(p.image);
    images.push(...(p.userOptions.image ?? []));
  }
  return [...new Set(images)];
}

/** The image a job asks for, refused (never replaced) when the site did not allow it on the partition. */
export function checkImage(image: string, allowed: readonly string[], partition: string): string {
  if (allowed.includes(image)) return image;
  throw forbidden(`image "${image}" is not allowed on Kubernetes partition ${partition}: allowed ${allowed.join(', ')}`, { field: 'image', value: image, allowed: [...allowed] });
}
