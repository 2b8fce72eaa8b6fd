/**
 * containerd's task API (`containerd.task.v2.Task`, also served as v3) over the tasks of every pod on the
 * node. Tasks are keyed by namespace and id. Events go out in the order things happen: create < start <
 * exit < delete. Errors carry runwasi's status codes (NotFound 5, AlreadyExists 6, InvalidArgument 3,
 * FailedPrecondition 9) and calls this shim cannot serve answer UNIMPLEMENTED saying why.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hostPath } from '../bundle/container-paths.js';
import { isSandbox, readBundleSpec } from '../bundle/oci-spec.js';
import { mountRootfs, unmountAll } from '../bundle/rootfs-mounts.js';
import { openTaskOutput, type LineSink } from '../bundle/task-output.js';
import { ShimError } from '../errors.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { timestampFromDate } from '../proto/google.js';
import { Messages, packAny, TaskStatus, type Codec, type MessageOf } from '../proto/shim-messages.js';
import type { ShimLog } from '../server/shim-log.js';
import { NAMESPACE_METADATA_KEY } from '../ttrpc/metadata.js';
import type { TtrpcCall, TtrpcHandler } from '../ttrpc/service-registry.js';
import { StatusCode, TtrpcError } from '../ttrpc/status.js';
import { PodSandboxProcess } from './pod-sandbox-process.js';
import { Task, type TaskExit, type TaskProcess } from './task.js';

export const TASK_SERVICES = ['containerd.task.v2.Task', 'containerd.task.v3.Task'] as const;

export const Topics = {
  create: '/tasks/create',
  start: '/tasks/start',
  exit: '/tasks/exit',
  delete: '/tasks/delete',
} as const;

/** What a new app task needs from the server beyond its request. */
export interface AppTaskInput {
  readonly namespace: string;
  readonly id: string;
  readonly spec: Awaited<ReturnType<typeof readBundleSpec>>;
  readonly stdout: LineSink;
  readonly stderr: LineSink;
}

export interface TaskServiceOptions {
  readonly defaultNamespace: string;
  readonly version: string;
  readonly publisher: EventPublisher;
  readonly log: ShimLog;
  /** Builds the process of a task that is not a pod sandbox. */
  readonly appProcess: (input: AppTaskInput) => TaskProcess;
  /** A task was created: its start claim is no longer needed. */
  readonly onCreate: (id: string) => void;
  /** containerd asked the shim to shut down and no task is left. */
  readonly onIdle: () => void;
}

interface Entry {
  readonly task: Task;
  readonly rootPath: string;
  readonly mounted: boolean;
  readonly outputs: readonly LineSink[];
}

const UNSUPPORTED: Readonly<Record<string, string>> = {
  Exec: 'a Spin app has no processes to exec into',
  ResizePty: 'Spin apps have no terminal',
  CloseIO: 'Spin apps read no stdin',
  Pause: 'pausing a Spin app is not supported',
  Resume: 'pausing a Spin app is not supported',
  Checkpoint: 'checkpointing a Spin app is not supported',
  Update: 'updating the resources of a Spin app is not supported',
};

export class TaskService {
  private readonly tasks = new Map<string, Entry>();
  /** Keys being created, so two Creates of one id cannot race. */
  private readonly creating = new Set<string>();

  constructor(private readonly options: TaskServiceOptions) {}

  get size(): number {
    return this.tasks.size + this.creating.size;
  }

  handlers(): Record<string, TtrpcHandler> {
    const unsupported = Object.fromEntries(
      Object.entries(UNSUPPORTED).map(([method, why]) => [
        method,
        (_payload: Uint8Array, call: TtrpcCall) =>
          Promise.reject(
            new TtrpcError(StatusCode.UNIMPLEMENTED, `/${call.service}/${method} is not supported: ${why}`),
          ),
      ]),
    );
    return {
      ...unsupported,
      Create: this.handle(Messages.CreateTaskRequest, Messages.CreateTaskResponse, (r, ns) =>
        this.create(r, ns),
      ),
      Start: this.handle(Messages.StartRequest, Messages.StartResponse, (r, ns) =>
        this.start(r.id, r.execId, ns),
      ),
      State: this.handle(Messages.StateRequest, Messages.StateResponse, (r, ns) =>
        this.state(r.id, r.execId, ns),
      ),
      Kill: this.handle(Messages.KillRequest, Messages.Empty, (r, ns) => this.kill(r, ns)),
      Wait: this.handle(Messages.WaitRequest, Messages.WaitResponse, (r, ns, call) =>
        this.wait(r.id, r.execId, ns, call),
      ),
      Delete: this.handle(Messages.DeleteRequest, Messages.DeleteResponse, (r, ns) =>
        this.delete(r.id, r.execId, ns),
      ),
      Connect: this.handle(Messages.ConnectRequest, Messages.ConnectResponse, (r, ns) =>
        this.connect(r.id, ns),
      ),
      Shutdown: this.handle(Messages.ShutdownRequest, Messages.Empty, () => this.shutdown()),
      Stats: this.handle(Messages.StatsRequest, Messages.StatsResponse, (r, ns) => this.stats(r.id, ns)),
      Pids: this.handle(Messages.PidsRequest, Messages.PidsResponse, (r, ns) => this.pids(r.id, ns)),
    };
  }

  /** Every live task, for a server that is stopping. */
  entries(): readonly Task[] {
    return [...this.tasks.values()].map((entry) => entry.task);
  }

  private handle<Req extends object, Res extends object>(
    request: Codec<Req>,
    response: Codec<Res>,
    run: (message: Req, namespace: string, call: TtrpcCall) => Promise<Partial<Res>> | Partial<Res>,
  ): TtrpcHandler {
    return async (payload, call) => {
      let message: Req;
      try {
        message = request.decode(payload);
      } catch (error) {
        throw new TtrpcError(StatusCode.INVALID_ARGUMENT, `malformed ${request.fullName}: ${String(error)}`);
      }
      const namespace = call.metadata.get(NAMESPACE_METADATA_KEY)?.[0] ?? this.options.defaultNamespace;
      try {
        return response.encode(await run(message, namespace, call));
      } catch (error) {
        throw toTtrpcError(error);
      }
    };
  }

  private async create(request: MessageOf<typeof Messages.CreateTaskRequest>, namespace: string) {
    const { id } = request;
    if (request.checkpoint !== '')
      throw new ShimError('Unimplemented', 'restoring a checkpoint is not supported');
    if (request.terminal)
      throw new ShimError('InvalidArgument', 'a terminal is not supported: Spin apps have no TTY');
    const key = `${namespace}/${id}`;
    if (this.tasks.has(key) || this.creating.has(key))
      throw new ShimError('AlreadyExists', `task ${id} already exists`);
    this.creating.add(key);
    const opened: LineSink[] = [];
    let mounted = false;
    let sandbox: PodSandboxProcess | undefined;
    let pid: number;
    let rootPath = '';
    try {
      const spec = await readBundleSpec(request.bundle);
      rootPath = spec.rootPath;
      if (request.rootfs.length > 0) {
        await mkdir(rootPath, { recursive: true });
        await mountRootfs(request.rootfs, rootPath);
        mounted = true;
      }
      const shimLog = await openTaskOutput(join(request.bundle, 'log')).catch(() => undefined);
      if (shimLog) this.options.log.attach(key, shimLog);
      const stdout = await openTaskOutput(request.stdout);
      opened.push(stdout);
      const stderr = await openTaskOutput(request.stderr);
      opened.push(stderr);
      // A sandbox's PID is the pod's: CRI joins the pod's containers to its namespaces.
      if (isSandbox(spec)) sandbox = await PodSandboxProcess.start(spec);
      const process = sandbox ?? this.options.appProcess({ namespace, id, spec, stdout, stderr });
      pid = sandbox?.pid ?? globalThis.process.pid;
      const task = new Task(
        namespace,
        id,
        request.bundle,
        { stdin: request.stdin, stdout: request.stdout, stderr: request.stderr },
        pid,
        process,
        (stopped, exit) => {
          this.publishExit(stopped, exit);
          // Closed now, not at Delete: CRI (containerd 1.7 and 2.x) waits for end of file on the task's
          // FIFOs after its exit before it deletes the task, and only the shim holds their write ends.
          void Promise.all(opened.map((sink) => sink.close()));
        },
      );
      this.tasks.set(key, { task, rootPath, mounted, outputs: opened });
      this.options.log.log('debug', 'task created', { id, namespace, root: hostPath(spec, '/') }, key);
    } catch (error) {
      sandbox?.kill(9);
      await Promise.all(opened.map((sink) => sink.close()));
      if (mounted) await unmountAll(rootPath).catch(() => undefined);
      await this.options.log.detach(key);
      throw error;
    } finally {
      this.creating.delete(key);
    }
    this.options.onCreate(id);
    this.options.publisher.publish(namespace, Topics.create, Messages.TaskCreate, {
      containerId: id,
      bundle: request.bundle,
      rootfs: request.rootfs,
      io: { stdin: request.stdin, stdout: request.stdout, stderr: request.stderr, terminal: false },
      checkpoint: '',
      pid,
    });
    return { pid };
  }

  private start(id: string, execId: string, namespace: string) {
    const { task } = this.get(id, execId, namespace);
    task.start();
    this.options.publisher.publish(namespace, Topics.start, Messages.TaskStart, {
      containerId: id,
      pid: task.pid,
    });
    return { pid: task.pid };
  }

  private state(id: string, execId: string, namespace: string) {
    const { task } = this.get(id, execId, namespace);
    return {
      id,
      bundle: task.bundle,
      pid: task.pid,
      status: task.status,
      stdin: task.io.stdin,
      stdout: task.io.stdout,
      stderr: task.io.stderr,
      terminal: false,
      exitStatus: task.exit?.status ?? 0,
      ...(task.exit ? { exitedAt: timestampFromDate(task.exit.at) } : {}),
      execId,
    };
  }

  private kill(request: { id: string; execId: string; signal: number }, namespace: string) {
    const { task } = this.get(request.id, request.execId, namespace);
    task.kill(request.signal);
    return {};
  }

  private async wait(id: string, execId: string, namespace: string, call: TtrpcCall) {
    const { task } = this.get(id, execId, namespace);
    const exit = await new Promise<TaskExit>((resolve, reject) => {
      const onAbort = () => {
        reject(new TtrpcError(StatusCode.CANCELLED, `wait for task ${id} cancelled`));
      };
      call.signal.addEventListener('abort', onAbort, { once: true });
      void task.waitExit().then((value) => {
        call.signal.removeEventListener('abort', onAbort);
        resolve(value);
      });
    });
    return { exitStatus: exit.status, exitedAt: timestampFromDate(exit.at) };
  }

  private async delete(id: string, execId: string, namespace: string) {
    const key = `${namespace}/${id}`;
    const entry = this.get(id, execId, namespace);
    entry.task.checkDeletable();
    this.tasks.delete(key);
    await Promise.all(entry.outputs.map((sink) => sink.close()));
    if (entry.mounted) await unmountAll(entry.rootPath);
    await this.options.log.detach(key);
    const exit = entry.task.exit ?? { status: 0, at: new Date() };
    const exitedAt = timestampFromDate(exit.at);
    this.options.publisher.publish(namespace, Topics.delete, Messages.TaskDelete, {
      containerId: id,
      pid: entry.task.pid,
      exitStatus: exit.status,
      exitedAt,
      id,
    });
    return { pid: entry.task.pid, exitStatus: exit.status, exitedAt };
  }

  private connect(id: string, namespace: string) {
    const entry = this.tasks.get(`${namespace}/${id}`);
    return { shimPid: process.pid, taskPid: entry?.task.pid ?? process.pid, version: this.options.version };
  }

  private shutdown() {
    if (this.size === 0) this.options.onIdle();
    return {};
  }

  private stats(id: string, namespace: string) {
    const { task } = this.get(id, '', namespace);
    const running = task.status === TaskStatus.Running ? 1 : 0;
    return { stats: packAny(Messages.CgroupsV2Metrics, { pids: { current: running, limit: 0 } }) };
  }

  private pids(id: string, namespace: string) {
    const { task } = this.get(id, '', namespace);
    return { processes: task.status === TaskStatus.Running ? [{ pid: task.pid }] : [] };
  }

  private get(id: string, execId: string, namespace: string): Entry {
    if (execId !== '')
      throw new ShimError('NotFound', `exec ${execId} of task ${id} not found: Spin apps have no execs`);
    const entry = this.tasks.get(`${namespace}/${id}`);
    if (!entry) throw new ShimError('NotFound', `task ${id} not found in namespace ${namespace}`);
    return entry;
  }

  private publishExit(task: Task, exit: TaskExit): void {
    this.options.log.log(
      'debug',
      'task exited',
      { id: task.id, status: String(exit.status) },
      `${task.namespace}/${task.id}`,
    );
    this.options.publisher.publish(task.namespace, Topics.exit, Messages.TaskExit, {
      containerId: task.id,
      id: task.id,
      pid: task.pid,
      exitStatus: exit.status,
      exitedAt: timestampFromDate(exit.at),
    });
  }
}

const CODES: Readonly<Record<ShimError['code'], number>> = {
  NotFound: StatusCode.NOT_FOUND,
  AlreadyExists: StatusCode.ALREADY_EXISTS,
  InvalidArgument: StatusCode.INVALID_ARGUMENT,
  FailedPrecondition: StatusCode.FAILED_PRECONDITION,
  Unimplemented: StatusCode.UNIMPLEMENTED,
  Internal: StatusCode.UNKNOWN,
};

function toTtrpcError(error: unknown): TtrpcError {
  if (error instanceof TtrpcError) return error;
  if (error instanceof ShimError) return new TtrpcError(CODES[error.code], error.message);
  return new TtrpcError(StatusCode.UNKNOWN, error instanceof Error ? error.message : String(error));
}
