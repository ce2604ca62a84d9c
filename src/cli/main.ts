#!/usr/bin/env node
/** The `vadapt` command line: a thin shell over src/core and the adapters. */
import { Command, CommanderError } from "commander";
import { VadaptError } from "../core/errors.js";
import { commands } from "./commands/index.js";
import { registerNeeded } from "./commands/lazy.js";

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command("vadapt")
    .description("Adaptive overlay optimizer for virtual machines (VTTIF inference, RPS-style prediction, VADAPT placement and routing)")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ sortSubcommands: true })
    // Before the subcommands are added, so that they inherit it: usage errors return exit code 2, never exit.
    .exitOverride();
  await registerNeeded(program, commands, argv);
  return program;
}

/** Exit codes: 0 ok, 1 failure, 2 bad input or usage. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof VadaptError) {
      process.stderr.write(`vadapt: ${e.message} [${e.code}]\n`);
      return e.code === "E_BAD_INPUT" || e.code === "E_BAD_CONFIG" || e.code === "E_UNSUPPORTED_VERSION" || e.code === "E_BAD_CAPTURE" ? 2 : 1;
    }
    process.stderr.write(`vadapt: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === new URL(`file://${(await import("node:fs")).realpathSync(process.argv[1])}`).href;
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
