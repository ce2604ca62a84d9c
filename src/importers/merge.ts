/**
 * K-way merge of streams that are each in non-decreasing `tMs` order into one stream in that order. Streams
 * deliver batches (one per chunk read), so the merge awaits once per batch, not once per item; it holds one
 * batch per stream and a binary min-heap of the streams keyed on their next item's `tMs`, ties broken by
 * stream index so the output is deterministic.
 */

interface Cursor<T> {
  readonly source: number;
  readonly it: AsyncIterator<readonly T[]>;
  batch: readonly T[];
  pos: number;
}

const OUT_BATCH = 4096;

/**
 * Merges sorted batch streams into sorted batches. An item earlier than the one its own stream delivered before
 * it throws a RangeError: callers pass streams they have sorted or checked.
 */
export async function* mergeBatchesByTime<T extends { tMs: number }>(sources: ReadonlyArray<AsyncIterable<readonly T[]>>): AsyncGenerator<T[]> {
  const heap: Array<Cursor<T>> = [];
  const key = (c: Cursor<T>): number => c.batch[c.pos]!.tMs;
  const less = (a: Cursor<T>, b: Cursor<T>): boolean => key(a) < key(b) || (key(a) === key(b) && a.source < b.source);
  const up = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  /** Loads the cursor's next non-empty batch; false when its stream is done. */
  const refill = async (c: Cursor<T>): Promise<boolean> => {
    for (;;) {
      const r = await c.it.next();
      if (r.done === true) return false;
      if (r.value.length > 0) {
        c.batch = r.value;
        c.pos = 0;
        return true;
      }
    }
  };
  const cursors: Array<Cursor<T>> = sources.map((s, source) => ({ source, it: s[Symbol.asyncIterator](), batch: [], pos: 0 }));
  try {
    for (const c of cursors) {
      if (await refill(c)) {
        heap.push(c);
        up(heap.length - 1);
      }
    }
    let out: T[] = [];
    while (heap.length > 0) {
      const c = heap[0]!;
      const item = c.batch[c.pos]!;
      out.push(item);
      c.pos++;
      if (c.pos === c.batch.length && !(await refill(c))) {
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          down(0);
        }
      } else {
        if (key(c) < item.tMs) throw new RangeError(`mergeBatchesByTime: stream ${c.source} goes back in time (${key(c)} < ${item.tMs})`);
        down(0);
      }
      if (out.length >= OUT_BATCH) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  } finally {
    await Promise.all(cursors.map((c) => c.it.return?.()));
  }
}

/** Flattens batches into single items. */
export async function* flatten<T>(batches: AsyncIterable<readonly T[]>): AsyncGenerator<T> {
  for await (const b of batches) yield* b;
}
