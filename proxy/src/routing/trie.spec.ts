import fc from 'fast-check';
import { SegmentTrie, splitSegments } from './trie';

describe('SegmentTrie', () => {
  const trie = new SegmentTrie<string>();
  trie.set('/', 'root');
  trie.set('/user', 'user');
  trie.set('/user/alice', 'alice');
  trie.set('/user/alice/api/kernels', 'kernels');

  it.each([
    ['/', 'root'],
    ['/anything/else', 'root'],
    ['/user', 'user'],
    ['/user/', 'user'],
    ['/user/bob', 'user'],
    ['/user/alice', 'alice'],
    ['/user/alice/', 'alice'],
    ['/user/alicexyz', 'user'],
    ['/user/alice/lab', 'alice'],
    ['/user/alice/api', 'alice'],
    ['/user/alice/api/kernels/123/channels', 'kernels'],
    ['//user//alice', 'user'], // leading slashes are dropped, "//" is an empty segment
  ])('matches %s to %s (longest prefix, whole segments only)', (path, expected) => {
    expect(trie.match(path)).toBe(expected);
  });

  it('has no match without a root route for an unknown prefix', () => {
    const t = new SegmentTrie<string>();
    t.set('/hub', 'hub');
    expect(t.match('/other')).toBeUndefined();
    expect(t.match('/')).toBeUndefined();
    expect(t.match('/hub/login')).toBe('hub');
  });

  it('deletes exactly one value and prunes branches left empty', () => {
    const t = new SegmentTrie<string>();
    t.set('/a/b/c', 'c');
    t.set('/a', 'a');
    expect(t.size).toBe(2);
    expect(t.delete('/a/b')).toBe(false);
    expect(t.delete('/a/b/c')).toBe(true);
    expect(t.match('/a/b/c')).toBe('a');
    expect(t.get('/a/b/c')).toBeUndefined();
    expect(t.size).toBe(1);
    expect(t.delete('/a')).toBe(true);
    expect(t.match('/a')).toBeUndefined();
  });

  it('agrees with a naive longest-prefix search on random tables', () => {
    const segment = fc.constantFrom('a', 'b', 'user', 'x y', 'ü', '');
    const path = fc.array(segment, { maxLength: 4 }).map((s) => '/' + s.join('/'));
    fc.assert(
      fc.property(fc.uniqueArray(path, { maxLength: 8 }), path, (routes, probe) => {
        const t = new SegmentTrie<string>();
        for (const r of routes) t.set(r, r);
        const probeSegs = splitSegments(probe);
        let best: string | undefined;
        let bestLen = -1;
        for (const r of routes) {
          const segs = splitSegments(r);
          if (segs.length <= probeSegs.length && segs.every((s, i) => s === probeSegs[i]) && segs.length > bestLen) {
            best = r;
            bestLen = segs.length;
          }
        }
        const got = t.match(probe);
        // Routes that differ only in slashes share a node; compare what they normalise to.
        expect(got === undefined ? undefined : splitSegments(got)).toEqual(best === undefined ? undefined : splitSegments(best));
      }),
    );
  });
});
