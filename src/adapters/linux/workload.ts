/**
 * Runs the BSP patterns benchmark (src/workload/patterns.ts) across a testbed's VMs: one rank per VM, each in its
 * VM's namespace; collects per-iteration times as they come and each rank's bytes sent per neighbour.
 */
import { spawn } from "node:child_process";
import type { VmId } from "../../core/model/ids.js";
import type { VmLayout } from "../../core/testbed/layout.js";
import type { BspPattern } from "../../core/synth/neighbours.js";
import type { PatternsConfigInput } from "../../workload/patterns.js";
import { ChildJsonLines, num } from "./child-lines.js";
import { nodeScriptArgv } from "./node-script.js";

export interface PatternsRunOptions {
  readonly pattern: BspPattern;
  readonly messageBytes: number;
  /** Compute units per iteration (see src/workload/patterns.ts). */
  readonly work?: number;
  /** Iterations per rank; 0 runs until {@link PatternsRun.stop}. */
  readonly iterations?: number;
  readonly port?: number;
  /** Bound on start-up (process start and connecting to every neighbour). */
  readonly readyTimeoutMs?: number;
}

export interface IterationRecord {
  readonly rank: number;
  readonly iter: number;
  readonly ms: number;
  readonly computeMs: number;
  /** Wall-clock time at the end of the iteration (epoch ms; all ranks share the machine's clock). */
  readonly tMs: number;
}

export interface RankResult {
  readonly rank: number;
  readonly vm: VmId;
  readonly iterations: number;
  /** Application bytes written to each neighbour rank's connection. */
  readonly sentBytes: Readonly<Record<number, number>>;
}

export class PatternsRun {
  private constructor(
    readonly vms: readonly VmLayout[],
    private readonly ranks: readonly ChildJsonLines[],
    /** Every iteration reported so far, in arrival order. */
    readonly iterations: readonly IterationRecord[],
  ) {}

  /** Starts one rank per VM (rank i in `vms[i]`) and waits until every rank is connected to its neighbours. */
  static async start(vms: readonly VmLayout[], opts: PatternsRunOptions): Promise<PatternsRun> {
    const script = nodeScriptArgv(new URL("../../workload/patterns.js", import.meta.url));
    const peers = vms.map((v) => v.ip);
    const iterations: IterationRecord[] = [];
    const ranks = vms.map((v, rank) => {
      const cfg: PatternsConfigInput = {
        rank,
        peers,
        pattern: opts.pattern,
        messageBytes: opts.messageBytes,
        work: opts.work ?? 0,
        iterations: opts.iterations ?? 0,
        ...(opts.port === undefined ? {} : { port: opts.port }),
      };
      const child = spawn("ip", ["netns", "exec", v.netns, ...script, JSON.stringify(cfg)], { stdio: ["pipe", "pipe", "pipe"] });
      child.stdin.on("error", () => undefined);
      return new ChildJsonLines(child, `patterns rank ${rank} (${v.id})`, (o) => {
        const iter = num(o, "iter");
        const ms = num(o, "ms");
        if (iter !== undefined && ms !== undefined) iterations.push({ rank, iter, ms, computeMs: num(o, "computeMs") ?? 0, tMs: num(o, "tMs") ?? 0 });
      });
    });
    const run = new PatternsRun(vms, ranks, iterations);
    try {
      await Promise.all(ranks.map((r) => r.waitFor((o) => (o.ready === true ? true : undefined), opts.readyTimeoutMs ?? 60_000)));
    } catch (e) {
      run.kill();
      throw e;
    }
    return run;
  }

  /** Starts the iterations on every rank. */
  go(): void {
    for (const r of this.ranks) r.child.stdin?.write("go\n");
  }

  /** Asks every rank to stop after its current iteration. */
  stop(): void {
    for (const r of this.ranks) r.child.stdin?.end("stop\n");
  }

  /** Waits for every rank's final report. */
  async wait(timeoutMs: number): Promise<RankResult[]> {
    try {
      return await Promise.all(
        this.ranks.map(async (r, rank) => {
          const done = await r.waitFor((o) => (o.done === true ? o : undefined), timeoutMs);
          const sent: Record<number, number> = {};
          const raw = done.sentBytes;
          if (typeof raw === "object" && raw !== null) for (const [k, v] of Object.entries(raw)) if (typeof v === "number") sent[Number(k)] = v;
          return { rank, vm: this.vms[rank]!.id, iterations: num(done, "iterations") ?? 0, sentBytes: sent };
        }),
      );
    } finally {
      this.kill();
    }
  }

  /** Kills every rank still running. */
  kill(): void {
    for (const r of this.ranks) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
  }
}
