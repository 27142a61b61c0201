/**
 * `describe` for tests that run jobs as other users (a root worker switching uids): skipped, with a
 * warning that says why, when the tests do not run as root.
 */
export function describeAsRoot(title: string, why: string, fn: () => void): void {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) console.warn(`SKIPPED ${title}: ${why}; this test runs as uid ${process.getuid?.()}`);
  (isRoot ? describe : describe.skip)(title, fn);
}
