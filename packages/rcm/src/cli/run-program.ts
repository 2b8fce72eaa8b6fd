/**
 * Runs a parsed-on-demand program to its end, the same way for every executable of the package: commander's
 * own error output is replaced by `reportFailure` (stderr, termination log, exit 1); `--help` and
 * `--version` exit 0. `RCM_TERMINATION_LOG` names another termination log (a pod with a custom
 * `terminationMessagePath`, or a test).
 */
import { CommanderError, type Command } from 'commander';
import { reportFailure, TERMINATION_LOG } from './termination-message.js';

export function runProgram(program: Command, argv: readonly string[] = process.argv): void {
  for (const command of [program, ...program.commands])
    command.configureOutput({ outputError: () => undefined });
  program.parseAsync(argv).catch((error: unknown) => {
    if (error instanceof CommanderError && error.exitCode === 0) return;
    reportFailure(program.name(), error, process.env['RCM_TERMINATION_LOG'] || TERMINATION_LOG);
  });
}
