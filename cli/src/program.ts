// The `vane` command line: projects, environments, flags and segments over the admin API's gRPC,
// environment export/import as JSON, and flag evaluation for a user. `runCli` takes the arguments
// and where to write, and returns the exit code (0 ok, 1 the API refused or failed, 2 bad usage),
// so tests run it in-process. The command groups live in `commands/`, one file per resource.
import { Command, CommanderError } from 'commander';
import { AdminApiError } from './admin-client.js';
import { FeatBitFetchError } from './featbit-import.js';
import { UsageError } from './resolve.js';
import { createCommandContext } from './commands/command-context.js';
import type { CliIo } from './commands/command-context.js';
import { addEnvironmentCommands } from './commands/environments.js';
import { addImportCommands } from './commands/featbit.js';
import { addFlagCommands } from './commands/flags.js';
import { addProjectCommands } from './commands/projects.js';
import { addSegmentCommands } from './commands/segments.js';

export { DEFAULT_ADDRESS } from './commands/command-context.js';
export type { CliIo } from './commands/command-context.js';

/** Builds the program; actions write through `io`. */
function buildProgram(io: CliIo): Command {
  const program = new Command('vane')
    .description('Command-line client of the Vane admin API (gRPC).')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  const ctx = createCommandContext(program, io);
  addProjectCommands(program, ctx);
  addEnvironmentCommands(program, ctx);
  addImportCommands(program, ctx);
  addFlagCommands(program, ctx);
  addSegmentCommands(program, ctx);
  return program;
}

/** Runs `vane <args…>`; returns the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version print and exit 0; usage mistakes were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof FeatBitFetchError) {
      io.err(`error: ${err.message}\n`);
      return 1;
    }
    if (err instanceof AdminApiError) {
      io.err(`${err.describe()}\n`);
      return 1;
    }
    io.err(`error: ${(err as Error).message}\n`);
    return 1;
  }
}
