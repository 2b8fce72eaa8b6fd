/** What a running local cluster records about itself, so another process can find, reuse or stop it. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RealNodeState } from '../node/real-node.js';
import type { StartedProcess } from './processes.js';

export interface LocalClusterState {
  readonly provider: 'local';
  readonly name: string;
  readonly dataDir: string;
  readonly kubeconfigPath: string;
  readonly server: string;
  readonly ports: Readonly<Record<string, number>>;
  /** In start order; stopped in reverse. */
  readonly processes: readonly StartedProcess[];
  readonly startedAt: string;
  /**
   * For clusters in a temporary directory: the PID of the process that owns the cluster (a test run).
   * If that process is gone, the cluster is an orphan of a crashed run and the next start reaps it.
   */
  readonly ownerPid?: number;
  /** The real node, when the cluster has one. */
  readonly node?: RealNodeState;
}

const STATE_FILE = 'cluster.json';

/** The state with the process of the same name replaced (after a restart), keeping the start order. */
export function withProcess(state: LocalClusterState, replacement: StartedProcess): LocalClusterState {
  return {
    ...state,
    processes: state.processes.map((p) => (p.name === replacement.name ? replacement : p)),
  };
}

export function writeState(state: LocalClusterState): void {
  writeFileSync(join(state.dataDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

export function readState(dataDir: string): LocalClusterState | undefined {
  const file = join(dataDir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LocalClusterState;
  } catch {
    return undefined;
  }
}
