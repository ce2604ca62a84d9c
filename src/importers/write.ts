import { createTraceWriter } from "../adapters/trace/writer.js";
import type { ImportedTrace } from "./types.js";

/** Writes an imported trace to a file (`-` for stdout); returns the number of events written. */
export async function writeImported(out: string, imported: ImportedTrace): Promise<number> {
  const w = await createTraceWriter(out, imported.header);
  try {
    for await (const e of imported.events) await w.write(e);
  } finally {
    await w.close();
  }
  return w.count;
}
