/** Control lines for an in-process patterns rank (`runRank`'s stdin stand-in): `go`, then `stop` when asked. */
export function control(): { lines: AsyncIterable<string>; send(line: string): void } {
  const queue: string[] = [];
  let wake: (() => void) | null = null;
  return {
    send: (line) => {
      queue.push(line);
      wake?.();
    },
    lines: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (queue.length === 0) await new Promise<void>((r) => (wake = r));
          wake = null;
          yield queue.shift()!;
        }
      },
    },
  };
}
