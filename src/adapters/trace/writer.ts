/** Streaming trace writer: header first, then events; buffers output and honours back-pressure. */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { createGzip } from "node:zlib";
import type { Writable } from "node:stream";
import { IoError } from "../../core/errors.js";
import { encodeLine } from "../../core/trace/codec.js";
import type { TraceEvent, TraceHeader } from "../../core/trace/events.js";

const FLUSH_AT = 1 << 20;

/** Resolves on the stream's next 'drain' or 'error' (the error itself is recorded by the writer's own handler). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off("drain", done);
      stream.off("error", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("error", done);
  });
}

export interface TraceWriter {
  /** Appends one event (in non-decreasing tMs order). */
  write(event: TraceEvent): Promise<void>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
  /** Events written so far. */
  readonly count: number;
}

/** Creates a trace file (`-` for stdout; a `.gz` name is gzipped) and writes its header. */
export async function createTraceWriter(path: string, header: TraceHeader): Promise<TraceWriter> {
  const file: Writable = path === "-" ? process.stdout : createWriteStream(path);
  const gz = path.endsWith(".gz") ? createGzip() : null;
  if (gz !== null) gz.pipe(file);
  const out: Writable = gz ?? file;
  let failure: unknown = null;
  const onError = (e: unknown): void => {
    failure = e;
  };
  file.on("error", onError);
  out.on("error", onError);
  let buf: string[] = [];
  let size = 0;
  let count = 0;
  const check = (): void => {
    if (failure !== null) throw new IoError(path, `cannot write: ${failure instanceof Error ? failure.message : String(failure)}`, { cause: failure });
  };
  const flush = async (): Promise<void> => {
    check();
    if (buf.length === 0) return;
    const text = buf.join("");
    buf = [];
    size = 0;
    if (!out.write(text)) await drained(out);
    check();
  };
  const push = async (line: string): Promise<void> => {
    buf.push(line, "\n");
    size += line.length + 1;
    if (size >= FLUSH_AT) await flush();
  };
  await push(encodeLine(header));
  return {
    get count() {
      return count;
    },
    async write(event) {
      await push(encodeLine(event));
      count++;
    },
    async close() {
      await flush();
      if (path === "-") return;
      const finished = once(file, "finish");
      out.end();
      await finished;
      check();
    },
  };
}
