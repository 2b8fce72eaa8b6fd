/**
 * The exit status a stopped app reports, as containerd-shim-spin reports it: SIGTERM, SIGINT and SIGHUP
 * stop Spin gracefully (0), SIGKILL is 137 (128 + 9), any other signal 128 + its number, and an app that
 * failed is 137.
 */
import { constants } from 'node:os';

export const FAILED_EXIT_STATUS = 137;

const GRACEFUL = new Set<number>([
  constants.signals.SIGTERM,
  constants.signals.SIGINT,
  constants.signals.SIGHUP,
]);

export function exitStatusForSignal(signal: number): number {
  return GRACEFUL.has(signal) ? 0 : 128 + signal;
}

/** Signals that end an app; others (SIGWINCH, SIGCHLD, SIGURG, SIGCONT, 0) leave it running, as in a process. */
export function endsApp(signal: number): boolean {
  const ignoredByDefault = [
    0,
    constants.signals.SIGCHLD,
    constants.signals.SIGURG,
    constants.signals.SIGWINCH,
    constants.signals.SIGCONT,
  ];
  return !ignoredByDefault.includes(signal);
}
