/**
 * One containerd task and its state machine: created → running → stopped, then deleted. A pod sandbox
 * task owns a PodSandboxProcess; an app task owns a SpinAppProcess. `exit` happens once, whatever ends the task.
 */
import { endsApp, exitStatusForSignal } from '../app/exit-status.js';
import { ShimError } from '../errors.js';
import { TaskStatus } from '../proto/shim-messages.js';

export interface TaskIo {
  readonly stdin: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** What runs for a task: the pod's sandbox process or an app. */
export interface TaskProcess {
  readonly exited: Promise<number>;
  start(): void;
  kill(signal: number): void;
}

export interface TaskExit {
  readonly status: number;
  readonly at: Date;
}

export class Task {
  status: TaskStatus.Created | TaskStatus.Running | TaskStatus.Stopped = TaskStatus.Created;
  exit: TaskExit | undefined;
  private readonly exitWaiters: ((exit: TaskExit) => void)[] = [];

  constructor(
    readonly namespace: string,
    readonly id: string,
    readonly bundle: string,
    readonly io: TaskIo,
    readonly pid: number,
    readonly process: TaskProcess,
    /** Called once when the task stops (publishes /tasks/exit). */
    private readonly onExit: (task: Task, exit: TaskExit) => void,
  ) {}

  start(): void {
    if (this.status !== TaskStatus.Created) {
      throw new ShimError(
        'FailedPrecondition',
        `task ${this.id} cannot start: it is ${describeStatus(this.status)}`,
      );
    }
    this.status = TaskStatus.Running;
    void this.process.exited.then((status) => {
      this.stop(status);
    });
    this.process.start();
  }

  kill(signal: number): void {
    if (this.status === TaskStatus.Stopped) {
      throw new ShimError('NotFound', `task ${this.id}: process already finished`);
    }
    if (this.status === TaskStatus.Created) {
      // Never started: a terminating signal ends it without running anything, as for a created runc task.
      if (endsApp(signal)) this.stop(exitStatusForSignal(signal));
      return;
    }
    this.process.kill(signal);
  }

  /** Settles when the task has stopped. */
  waitExit(): Promise<TaskExit> {
    if (this.exit) return Promise.resolve(this.exit);
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  checkDeletable(): void {
    if (this.status === TaskStatus.Running) {
      throw new ShimError('FailedPrecondition', `task ${this.id} is running; kill it before deleting it`);
    }
  }

  private stop(status: number): void {
    if (this.status === TaskStatus.Stopped) return;
    this.status = TaskStatus.Stopped;
    const exit = { status, at: new Date() };
    this.exit = exit;
    this.onExit(this, exit);
    for (const resolve of this.exitWaiters.splice(0)) resolve(exit);
  }
}

function describeStatus(status: TaskStatus): string {
  return status === TaskStatus.Running ? 'running' : status === TaskStatus.Stopped ? 'stopped' : 'created';
}
