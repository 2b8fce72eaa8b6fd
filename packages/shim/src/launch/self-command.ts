/**
 * How this program runs itself again (the server behind `start`, the network-namespace helper): the single
 * executable alone, or node with its flags and the script when running from `dist/`.
 */
import { isSea } from 'node:sea';

export interface SelfCommand {
  readonly file: string;
  readonly args: readonly string[];
}

export function selfCommand(): SelfCommand {
  if (isSea()) return { file: process.execPath, args: [] };
  const script = process.argv[1];
  if (!script) throw new Error('cannot find the script to run again: process.argv[1] is empty');
  return { file: process.execPath, args: [...process.execArgv, script] };
}
