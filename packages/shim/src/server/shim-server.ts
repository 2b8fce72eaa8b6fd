/**
 * The node's shim server: serves the task API for every Spin pod on this containerd over one ttrpc
 * socket, runs the apps on one shared worker pool, publishes task events, and exits once containerd has
 * shut down its last task. Errors in one task never end the server: other pods' apps run in it too.
 */
import { EventPublisher } from '../events/event-publisher.js';
import { socketPathFromUri } from '../launch/server-socket.js';
import { claimServer } from '../launch/claim-server.js';
import { Messages } from '../proto/shim-messages.js';
import { DeferredProcess } from '../task/deferred-process.js';
import { TaskService, TASK_SERVICES } from '../task/task-service.js';
import { TtrpcServer } from '../ttrpc/server.js';
import { SHIM_VERSION } from '../version.js';
import { CLAIM_TTL_MS, LAUNCHER_SERVICE, LaunchClaims } from './launch-claims.js';
import type { AppHost } from './app-host.js';
import { ShimLog } from './shim-log.js';

export interface ServerFlags {
  readonly namespace: string;
  readonly address: string;
  readonly socket: string;
  readonly id?: string;
  readonly debug: boolean;
}

export async function runShimServer(flags: ServerFlags): Promise<void> {
  const log = new ShimLog(flags.debug ? 'debug' : 'error');
  const socketPath = socketPathFromUri(flags.socket);
  const ttrpcAddress = process.env['TTRPC_ADDRESS'] ?? `${flags.address}.ttrpc`;
  const publisher = new EventPublisher(ttrpcAddress, (level, message) => {
    log.log(level, message);
  });
  // Loaded once the socket listens (see app-host.ts); every app task waits for it.
  let hostLoading: Promise<AppHost> | undefined;
  const appHost = () =>
    (hostLoading ??= import('./app-host.js').then(({ createAppHost }) =>
      createAppHost({
        containerdAddress: flags.address,
        log: (input, message) => {
          log.log('info', message, { id: input.id }, `${input.namespace}/${input.id}`);
        },
      }),
    ));

  let exiting = false;
  // A server that gets no task at all (containerd gave up on the start) does not linger.
  const idleTimer = setTimeout(scheduleExitCheck, CLAIM_TTL_MS);
  idleTimer.unref();
  const claims = new LaunchClaims(() => {
    scheduleExitCheck();
  });
  const tasks: TaskService = new TaskService({
    defaultNamespace: flags.namespace,
    version: SHIM_VERSION,
    publisher,
    log,
    onCreate: (id) => {
      claims.release(id);
    },
    onIdle: () => {
      scheduleExitCheck();
    },
    appProcess: (input) =>
      new DeferredProcess(
        appHost().then((host) => host.process(input)),
        (error) => {
          input.stderr.write(`Error: the shim could not load its runtime: ${String(error)}`);
        },
      ),
  });

  const server = new TtrpcServer();
  for (const service of TASK_SERVICES) server.register(service, tasks.handlers());
  server.register(LAUNCHER_SERVICE, {
    Claim: (payload) => {
      const { id } = Messages.ConnectRequest.decode(payload);
      if (!claims.claim(id)) return Promise.reject(new Error('the shim server is shutting down'));
      return Promise.resolve(Messages.Empty.encode({}));
    },
  });

  function scheduleExitCheck(): void {
    // After the current call has been answered.
    setTimeout(() => {
      if (exiting || tasks.size > 0 || claims.size > 0) return;
      void exit(0);
    }, 10);
  }

  async function exit(code: number): Promise<void> {
    if (exiting) return;
    exiting = true;
    clearTimeout(idleTimer);
    claims.close();
    await server.close().catch(() => undefined);
    await publisher.close();
    await (await hostLoading?.catch(() => undefined))?.close();
    await log.close();
    process.exit(code);
  }

  process.on('uncaughtException', (error) => {
    log.log('error', `unexpected error (the server keeps running): ${error.stack ?? error.message}`);
  });
  process.on('unhandledRejection', (reason) => {
    log.log('error', `unhandled rejection (the server keeps running): ${String(reason)}`);
  });
  const onSignal = () => {
    // Stopping the server stops every app on the node: tell containerd each one ended.
    for (const task of tasks.entries()) {
      try {
        task.kill(15);
      } catch {
        // Already stopped.
      }
    }
    void publisher.flushed().then(() => exit(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  if (!(await listenOrHandOver(server, socketPath, flags.id))) {
    process.send?.({ ready: true, reused: true });
    process.exit(0);
  }
  if (flags.id) claims.claim(flags.id);
  process.send?.({ ready: true });
  // The first app should not wait for the runtime to load and worker threads to boot: that happens now,
  // while containerd connects and creates it.
  void appHost().catch((error: unknown) => {
    log.log('error', `loading the runtime failed: ${String(error)}`);
  });
  if (process.connected) process.disconnect();
  // `start` stops reading stderr once the server is up: from now on server lines go to task logs only.
  process.stderr.on('error', () => undefined);
  log.setFallback(() => undefined);
  // The first task's bundle is this process's cwd; it is deleted with that task.
  process.chdir('/');
}

/**
 * Listens on the node socket. If a live server holds it, claims that one for `id` and returns false;
 * if the one holding it is exiting, waits for it to go.
 */
async function listenOrHandOver(
  server: TtrpcServer,
  socketPath: string,
  id: string | undefined,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await server.listen(socketPath);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 100) throw error;
    }
    if (id && (await claimServer(socketPath, id)) === 'claimed') return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
