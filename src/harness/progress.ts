/**
 * The harness's progress on stderr: on a terminal a bar redrawn in place (done/total, rate, time left); on a
 * pipe or file one plain line per tenth of the run, so logs stay readable.
 */
import { formatDuration } from "../cli/format.js";

export interface Progress {
  tick(label: string): void;
  done(): void;
}

export function createProgress(total: number, out: NodeJS.WriteStream, opts: { readonly enabled: boolean; readonly skipped: number }): Progress {
  const start = performance.now();
  let n = 0;
  let lastDecile = -1;
  const tty = out.isTTY === true;
  if (opts.enabled && opts.skipped > 0) out.write(`resuming: ${opts.skipped} cell(s) already done, ${total} to run\n`);
  const line = (label: string): string => {
    const elapsed = performance.now() - start;
    const left = n > 0 ? ((total - n) * elapsed) / n : null;
    const pct = total === 0 ? 100 : (100 * n) / total;
    const width = 24;
    const bar = "#".repeat(Math.round((pct / 100) * width)).padEnd(width, ".");
    return `[${bar}] ${n}/${total} ${pct.toFixed(0)}%${left === null ? "" : ` ~${formatDuration(Math.round(left / 1000) * 1000)} left`}  ${label}`;
  };
  return {
    tick(label) {
      n++;
      if (!opts.enabled) return;
      if (tty) {
        const cols = out.columns ?? 100;
        out.write(`\r${line(label).slice(0, cols - 1).padEnd(cols - 1)}`);
        return;
      }
      const decile = Math.floor((10 * n) / Math.max(1, total));
      if (decile !== lastDecile) {
        lastDecile = decile;
        out.write(`${line(label)}\n`);
      }
    },
    done() {
      if (opts.enabled && tty && total > 0) out.write("\n");
    },
  };
}
