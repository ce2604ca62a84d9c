import type { Command } from "commander";

/** Registers a (sub)command on `parent`; `args` are the command line's arguments after that command's name. */
export type Register = (parent: Command, args: readonly string[]) => void | Promise<void>;

/** Subcommands by name, each a loader of its registration function (loaded only when used: short start-up). */
export type Loaders = Readonly<Record<string, () => Promise<Register>>>;

/**
 * The subcommands `args` needs: the one it names, or all of them for help (`--help`, `help <command>`) or
 * anything unknown (so that commander can list them or suggest the nearest).
 */
export function needed(loaders: Loaders, args: readonly string[]): string[] {
  const first = args.find((a) => !a.startsWith("-"));
  return first !== undefined && first !== "help" && Object.hasOwn(loaders, first) ? [first] : Object.keys(loaders);
}

/** Loads and registers the subcommands `args` needs, passing each the arguments after its name. */
export async function registerNeeded(parent: Command, loaders: Loaders, args: readonly string[]): Promise<void> {
  const names = needed(loaders, args);
  const registers = await Promise.all(names.map((n) => loaders[n]!()));
  for (const [i, register] of registers.entries()) {
    const at = args.indexOf(names[i]!);
    await register(parent, at < 0 ? [] : args.slice(at + 1));
  }
}
