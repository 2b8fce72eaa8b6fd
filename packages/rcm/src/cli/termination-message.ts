/**
 * How the node Job's containers fail: the message on stderr and in the container's termination log, which
 * kubelet copies into the pod's terminated state (`state.terminated.message`). The controller reads it from
 * there to say in the Shim's conditions and Events which node failed and why. Exit code 1.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { InstallerError } from '../node-installer/installer-error.js';

/** Kubelet's default `terminationMessagePath`. */
export const TERMINATION_LOG = '/dev/termination-log';

/**
 * Writes `message` to the termination log when kubelet made one (the file exists) and it can be written;
 * says whether it did. Outside a pod there is none, and nothing is created.
 */
export function writeTerminationMessage(path: string, message: string): boolean {
  if (!existsSync(path)) return false;
  try {
    writeFileSync(path, message);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reports a failure: `<program>: <message>` on stderr (with the stack for an error no part of the program
 * expected), the message in the termination log, and exit code 1.
 */
export function reportFailure(program: string, error: unknown, terminationLog = TERMINATION_LOG): void {
  const message = error instanceof Error ? error.message : String(error);
  const expected = error instanceof InstallerError || error instanceof CommanderError;
  const detail =
    error instanceof CommanderError
      ? ' (see --help)'
      : !expected && error instanceof Error && error.stack
        ? `\n${error.stack}`
        : '';
  process.stderr.write(`${program}: ${message}${detail}\n`);
  writeTerminationMessage(terminationLog, message);
  process.exitCode = 1;
}
