/**
 * A trie over path segments for longest-prefix routing: "/user/alice" matches "/user/alice",
 * "/user/alice/" and "/user/alice/lab", never "/user/alicexyz". Segments are split on "/" after the
 * leading and trailing slashes are dropped, as configurable-http-proxy does, so "//" is an empty segment.
 */
interface TrieNode<T> {
  value: T | undefined;
  children: Map<string, TrieNode<T>> | undefined;
}

export class SegmentTrie<T> {
  private readonly root: TrieNode<T> = { value: undefined, children: undefined };
  private count = 0;

  get size(): number {
    return this.count;
  }

  set(path: string, value: T): void {
    let node = this.root;
    for (const segment of splitSegments(path)) {
      node.children ??= new Map();
      let child = node.children.get(segment);
      if (!child) {
        child = { value: undefined, children: undefined };
        node.children.set(segment, child);
      }
      node = child;
    }
    if (node.value === undefined) this.count++;
    node.value = value;
  }

  get(path: string): T | undefined {
    let node: TrieNode<T> | undefined = this.root;
    for (const segment of splitSegments(path)) {
      node = node.children?.get(segment);
      if (!node) return undefined;
    }
    return node.value;
  }

  /** Removes the value at exactly `path`, pruning branches left empty. True if there was one. */
  delete(path: string): boolean {
    const trail: [TrieNode<T>, string][] = [];
    let node: TrieNode<T> | undefined = this.root;
    for (const segment of splitSegments(path)) {
      const child: TrieNode<T> | undefined = node.children?.get(segment);
      if (!child) return false;
      trail.push([node, segment]);
      node = child;
    }
    if (node.value === undefined) return false;
    node.value = undefined;
    this.count--;
    for (let i = trail.length - 1; i >= 0; i--) {
      const [parent, segment] = trail[i];
      const child = parent.children!.get(segment)!;
      if (child.value !== undefined || (child.children && child.children.size > 0)) break;
      parent.children!.delete(segment);
    }
    return true;
  }

  /**
   * The value of the longest stored prefix of `path`. This is the hot path: it walks the string with
   * indexOf instead of allocating a segment array.
   */
  match(path: string): T | undefined {
    let start = 0;
    let end = path.length;
    while (start < end && path.charCodeAt(start) === 47 /* / */) start++;
    while (end > start && path.charCodeAt(end - 1) === 47) end--;
    let node = this.root;
    let best = node.value;
    while (start < end && node.children) {
      let slash = path.indexOf('/', start);
      if (slash < 0 || slash > end) slash = end;
      const child = node.children.get(path.slice(start, slash));
      if (!child) break;
      node = child;
      if (node.value !== undefined) best = node.value;
      start = slash + 1;
    }
    return best;
  }
}

/** "/a/b/" -> ["a", "b"]; "/" -> []; "/a//b" -> ["a", "", "b"]. */
export function splitSegments(path: string): string[] {
  let start = 0;
  let end = path.length;
  while (start < end && path.charCodeAt(start) === 47) start++;
  while (end > start && path.charCodeAt(end - 1) === 47) end--;
  return start === end ? [] : path.slice(start, end).split('/');
}
