/**
 * A container image reference as a site writes it (a Kubernetes partition's `image` and `allowedImages`,
 * a notebook profile's images): no blanks, no wildcard, because images are matched exactly
 * (src/engines/kubernetes/allowed-images.ts explains why).
 */
export const IMAGE_REFERENCE = /^[^\s*?]+$/;
export const IMAGE_REFERENCE_MESSAGE = 'a container image reference, matched exactly (no spaces, no "*" or "?" wildcards)';
