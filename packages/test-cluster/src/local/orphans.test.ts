import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reapOrphanedClusters } from './local-cluster.js';
import { isAlive, restartProcess, startProcess, stopProcess } from './processes.js';
import { readState, withProcess, writeState, type LocalClusterState } from './state.js';

function clusterState(dataDir: string, ownerPid: number, pid: number): LocalClusterState {
  return {
    provider: 'local',
    name: 'orphan-test',
    dataDir,
    kubeconfigPath: join(dataDir, 'kubeconfig'),
    server: 'https://127.0.0.1:1',
    ports: {},
    processes: [
      { name: 'stand-in', pid, logFile: join(dataDir, 'stand-in.log'), command: '/bin/sleep', args: ['60'] },
    ],
    startedAt: new Date().toISOString(),
    ownerPid,
  };
}

describe('reapOrphanedClusters', () => {
  it('stops the processes of a cluster whose owning test run is gone, and removes its data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spinkube-cluster-'));
    const standIn = startProcess('stand-in', '/bin/sleep', ['60'], dataDir);
    const deadOwner = spawnSync('/bin/true').pid;
    writeState(clusterState(dataDir, deadOwner, standIn.pid));

    await reapOrphanedClusters();
    expect(isAlive(standIn.pid)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('stops a restarted process by its new PID, as recorded in the state file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spinkube-cluster-'));
    const standIn = startProcess('stand-in', '/bin/sleep', ['60'], dataDir);
    const deadOwner = spawnSync('/bin/true').pid;
    const state = clusterState(dataDir, deadOwner, standIn.pid);
    const restarted = await restartProcess(standIn);
    writeState(withProcess(state, restarted));
    expect(readState(dataDir)?.processes.map((p) => p.pid)).toEqual([restarted.pid]);

    await reapOrphanedClusters();
    expect(isAlive(standIn.pid)).toBe(false);
    expect(isAlive(restarted.pid)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('leaves a cluster alone while its owner lives', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spinkube-cluster-'));
    const standIn = startProcess('stand-in', '/bin/sleep', ['60'], dataDir);
    writeState(clusterState(dataDir, process.pid, standIn.pid));
    try {
      await reapOrphanedClusters();
      expect(isAlive(standIn.pid)).toBe(true);
      expect(existsSync(dataDir)).toBe(true);
    } finally {
      await stopProcess(standIn.pid);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
