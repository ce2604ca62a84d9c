import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";
import { IoError } from "../../core/errors.js";

/** One line of a text file with its 1-based number. */
export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

/** Opens a file (or `-` for stdin) as a byte stream, gunzipping `.gz` files. */
export function openByteStream(path: string): Readable {
  const raw: Readable = path === "-" ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  return path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
}

/**
 * Streams a text file's lines in batches (one batch per chunk read), without loading the file whole.
 * Handles `\n` and `\r\n`; a final line without a newline is returned too. Empty lines are skipped but counted.
 */
export async function* readLineBatches(path: string, stream: Readable = openByteStream(path), onBytes?: (n: number) => void): AsyncGenerator<NumberedLine[]> {
  let rest: Buffer | null = null;
  let lineNo = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      onBytes?.(chunk.length);
      const buf: Buffer = rest === null ? chunk : Buffer.concat([rest, chunk]);
      const batch: NumberedLine[] = [];
      let start = 0;
      let nl = buf.indexOf(10, start);
      while (nl !== -1) {
        lineNo++;
        const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
        if (end > start) batch.push({ text: buf.toString("utf8", start, end), line: lineNo });
        start = nl + 1;
        nl = buf.indexOf(10, start);
      }
      rest = start < buf.length ? buf.subarray(start) : null;
      if (batch.length > 0) yield batch;
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new IoError(path, `cannot read: ${msg}`, { cause: e });
  }
  if (rest !== null && rest.length > 0) {
    lineNo++;
    let text = rest.toString("utf8");
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (text.length > 0) yield [{ text, line: lineNo }];
  }
}
