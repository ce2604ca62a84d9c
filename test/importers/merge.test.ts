import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { flatten, mergeBatchesByTime } from "../../src/importers/merge.js";

interface Item {
  tMs: number;
  source: number;
  seq: number;
}

async function* batches<T>(items: readonly T[], cuts: readonly number[]): AsyncGenerator<T[]> {
  let at = 0;
  for (const c of cuts) {
    const end = Math.min(items.length, at + c);
    yield items.slice(at, end);
    at = end;
  }
  if (at < items.length) yield items.slice(at);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("mergeBatchesByTime", () => {
  it("property: equals a stable sort by (tMs, stream) of sorted streams cut into any batches", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(fc.nat(50), { maxLength: 40 }), fc.array(fc.nat(7), { maxLength: 10 })), { maxLength: 8 }),
        async (streams) => {
          const sorted = streams.map(([ts], source) => [...ts].sort((a, b) => a - b).map((tMs, seq): Item => ({ tMs, source, seq })));
          const got = await collect(flatten(mergeBatchesByTime(sorted.map((items, i) => batches(items, streams[i]![1])))));
          const want = sorted.flat().sort((a, b) => a.tMs - b.tMs || a.source - b.source || a.seq - b.seq);
          expect(got).toEqual(want);
        },
      ),
    );
  });
  it("refuses a stream that goes back in time", async () => {
    const bad = batches([{ tMs: 5 }, { tMs: 3 }], [1, 1]);
    await expect(collect(mergeBatchesByTime([bad, batches([{ tMs: 4 }], [])]))).rejects.toThrow(RangeError);
  });
  it("closes every stream when the consumer stops early", async () => {
    let closed = 0;
    const stream = (n: number): AsyncGenerator<Array<{ tMs: number }>> =>
      (async function* () {
        try {
          for (let i = 0; i < n; i++) yield [{ tMs: i }];
        } finally {
          closed++;
        }
      })();
    for await (const b of mergeBatchesByTime([stream(10_000), stream(10_000)])) {
      expect(b.length).toBeGreaterThan(0);
      break;
    }
    expect(closed).toBe(2);
  });
});
