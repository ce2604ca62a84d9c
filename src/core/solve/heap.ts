/** A binary min-heap of (key, item) pairs of numbers, for the path searches (lazy deletion by the callers). */
export class MinHeap {
  private keys: number[] = [];
  private items: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, item: number): void {
    const keys = this.keys;
    const items = this.items;
    let i = keys.length;
    keys.push(key);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    keys[i] = key;
    items[i] = item;
  }

  /** The smallest key's item (call only when size > 0); its key is left in `lastKey`. */
  pop(): number {
    const keys = this.keys;
    const items = this.items;
    const top = items[0]!;
    this.lastKey = keys[0]!;
    const key = keys.pop()!;
    const item = items.pop()!;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && keys[r]! < keys[l]! ? r : l;
        if (keys[c]! >= key) break;
        keys[i] = keys[c]!;
        items[i] = items[c]!;
        i = c;
      }
      keys[i] = key;
      items[i] = item;
    }
    return top;
  }

  /** The key of the item last returned by {@link pop}. */
  lastKey = 0;
}
