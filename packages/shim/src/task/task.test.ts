import { describe, expect, it } from 'vitest';
import { TaskStatus } from '../proto/shim-messages.js';
import { endsApp, exitStatusForSignal } from '../app/exit-status.js';
import { Task, type TaskExit, type TaskProcess } from './task.js';

function task(): { task: Task; exits: TaskExit[] } {
  const exits: TaskExit[] = [];
  const created = new Task(
    'ns',
    'id',
    '/bundle',
    { stdin: '', stdout: '', stderr: '' },
    42,
    new IdleProcess(),
    (_t, exit) => exits.push(exit),
  );
  return { task: created, exits };
}

describe('Task', () => {
  it('goes created → running → stopped once, reporting the exit to waiters and to its owner', async () => {
    const { task: t, exits } = task();
    expect(t.status).toBe(TaskStatus.Created);
    t.start();
    expect(t.status).toBe(TaskStatus.Running);
    const waited = t.waitExit();
    t.kill(0);
    expect(t.status).toBe(TaskStatus.Running);
    t.kill(9);
    expect((await waited).status).toBe(137);
    expect(t.status).toBe(TaskStatus.Stopped);
    expect(exits).toHaveLength(1);
    expect(() => {
      t.kill(15);
    }).toThrow('task id: process already finished');
  });

  it('refuses a second start and deleting a running task', () => {
    const { task: t } = task();
    t.start();
    expect(() => {
      t.start();
    }).toThrow('task id cannot start: it is running');
    expect(() => {
      t.checkDeletable();
    }).toThrow('task id is running; kill it before deleting it');
  });

  it('stops a task that never started when it is signalled, with the status of the signal', async () => {
    const { task: t, exits } = task();
    t.kill(15);
    expect(t.status).toBe(TaskStatus.Stopped);
    expect((await t.waitExit()).status).toBe(0);
    expect(exits.map((exit) => exit.status)).toEqual([0]);
    expect(() => {
      t.checkDeletable();
    }).not.toThrow();
  });
});

/** A process that does nothing until it is killed: the state machine alone. */
class IdleProcess implements TaskProcess {
  readonly exited: Promise<number>;
  private resolve!: (status: number) => void;

  constructor() {
    this.exited = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  start(): void {
    // Nothing to run.
  }

  kill(signal: number): void {
    if (endsApp(signal)) this.resolve(exitStatusForSignal(signal));
  }
}
