/** Named network namespaces: list, create, find their processes, delete (killing what runs inside first). */
import { z } from "zod";
import { run } from "./exec.js";
import { parseJsonOutput } from "./iproute-json.js";

const NetnsList = z.array(z.object({ name: z.string() }).loose());

/** Names of all named network namespaces. */
export async function listNetns(): Promise<string[]> {
  const out = await run(["ip", "-j", "netns", "list"]);
  return parseJsonOutput(NetnsList, out, "ip -j netns list").map((n) => n.name);
}

/** Names of the namespaces starting with `prefix`. */
export async function listNetnsWithPrefix(prefix: string): Promise<string[]> {
  return (await listNetns()).filter((n) => n.startsWith(prefix)).sort();
}

export async function addNetns(name: string): Promise<void> {
  await run(["ip", "netns", "add", name]);
}

/** Process ids running inside a namespace. */
export async function netnsPids(name: string): Promise<number[]> {
  const out = await run(["ip", "netns", "pids", name]);
  return out
    .split(/\s+/)
    .filter((s) => s !== "")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 1);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether a process with this pid exists (signal 0 reaches it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops every process inside the namespace (all of them were started there by the testbed): SIGTERM, then
 * SIGKILL to those still alive after `graceMs`. Returns how many were signalled.
 */
export async function killNetnsProcesses(name: string, graceMs = 1000): Promise<number> {
  const pids = await netnsPids(name);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  for (let waited = 0; waited < graceMs && pids.some(processAlive); waited += 50) await sleep(50);
  for (const pid of pids.filter(processAlive)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return pids.length;
}

/** Deletes a namespace (its devices go with it) after stopping its processes. Missing namespaces are fine. */
export async function deleteNetns(name: string): Promise<void> {
  if (!(await listNetns()).includes(name)) return;
  await killNetnsProcesses(name);
  await run(["ip", "netns", "del", name]);
}
