/**
 * A task's "process": the Spin app the shim runs for it, in this process, on the shared worker pool. It
 * finds the app (content store or /spin.toml), opens its listener in the pod's network namespace, loads
 * and serves it, and settles `exited` with the status containerd reports. A failure at any step ends the
 * app with 137 and the reason on the task's stderr, where `kubectl logs` finds it.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { loadApp, serveApp, servingBanner, type ServedApp, type WorkerPool } from '@spinkube/runtime';
import { RUNTIME_CONFIG_PATH } from '@spinkube/api';
import { hostPath } from '../bundle/container-paths.js';
import type { BundleSpec } from '../bundle/oci-spec.js';
import type { LineSink } from '../bundle/task-output.js';
import type { ContainerdClient } from '../content/containerd-client.js';
import { findSpinApp } from '../content/spin-artifact.js';
import { appSettings, mirrorVariables } from './app-settings.js';
import { endsApp, exitStatusForSignal, FAILED_EXIT_STATUS } from './exit-status.js';
import { listenIn } from './netns-listener.js';

export interface SpinAppProcessInput {
  readonly id: string;
  readonly namespace: string;
  readonly spec: BundleSpec;
  readonly containerd: ContainerdClient;
  readonly pool: WorkerPool;
  /** Node-wide cache of layers and compiled components, keyed by digest. */
  readonly cacheDir: string;
  readonly stdout: LineSink;
  readonly stderr: LineSink;
  readonly log: (message: string) => void;
}

export class SpinAppProcess {
  readonly exited: Promise<number>;
  private settle!: (status: number) => void;
  private served: ServedApp | undefined;
  private stopSignal: number | undefined;
  private done = false;

  constructor(private readonly input: SpinAppProcessInput) {
    this.exited = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  start(): void {
    void this.run().catch(async (error: unknown) => {
      this.input.stderr.write(`Error: ${describe(error)}`);
      // The reason must be in the log before containerd hears of the exit (and may delete the task).
      await this.input.stderr.flushed();
      this.finish(FAILED_EXIT_STATUS);
    });
  }

  /** Delivers a signal: a terminating one stops the app (gracefully for SIGTERM/SIGINT/SIGHUP). */
  kill(signal: number): void {
    if (this.done || !endsApp(signal) || this.stopSignal !== undefined) return;
    this.stopSignal = signal;
    const served = this.served;
    if (served) void this.stop(served, signal);
    // Still starting: `run` sees the signal at its next step and stops there.
  }

  private async run(): Promise<void> {
    const { spec, log } = this.input;
    const settings = appSettings(spec.env);
    // The socket (a helper process in the pod's namespace) opens while the app is found and compiled.
    const listening = listenIn(spec.network, settings.listen.host, settings.listen.port);
    listening.catch(() => undefined); // awaited below; a failure there is the app's failure
    let handedOver = false;
    try {
      const source = await findSpinApp({
        containerd: this.input.containerd,
        namespace: this.input.namespace,
        containerId: this.input.id,
        spec,
        cacheDir: this.input.cacheDir,
        log,
      });
      log(
        source.origin.kind === 'oci'
          ? `found ${source.origin.image} (${source.origin.digest}) in the content store`
          : `found ${source.origin.path}`,
      );
      if (this.stopped()) return;
      const runtimeConfig = hostPath(spec, RUNTIME_CONFIG_PATH);
      const stateDir = hostPath(spec, '/.spin');
      await mkdir(stateDir, { recursive: true });
      const loading = loadApp({
        from: source.origin.kind === 'oci' ? source.origin.image : source.origin.path,
        manifest: source.manifest,
        stateDir,
        cacheDir: this.input.cacheDir,
        runtimeConfigFile: existsSync(runtimeConfig) ? runtimeConfig : null,
        env: mirrorVariables(settings.env, source.manifest.variables.keys()),
        ...(settings.componentIds.length > 0 ? { componentIds: settings.componentIds } : {}),
        ...(settings.maxInstanceMemory === undefined
          ? {}
          : { maxInstanceMemory: settings.maxInstanceMemory }),
      });
      // serveApp reports a failed load; until then it must not count as unhandled.
      loading.catch(() => undefined);
      const listener = await listening;
      log(`listening on ${settings.listen.host}:${String(settings.listen.port)}`);
      if (this.stopped()) return;
      const served = await serveApp(loading, {
        server: listener.server,
        pool: this.input.pool,
        stdout: (line) => {
          this.input.stdout.write(line);
        },
        stderr: (line) => {
          this.input.stderr.write(line);
        },
      });
      listener.handOver(served.server);
      handedOver = true;
      this.served = served;
      // As `spin up` and upstream's shim: the pod's log says where the app serves and its routes.
      this.input.stdout.write(
        servingBanner(`http://${settings.listen.host}:${String(settings.listen.port)}`, served.app.router),
      );
      log(
        `serving ${source.manifest.application.name} on ${settings.listen.host}:${String(settings.listen.port)}`,
      );
      if (this.stopSignal !== undefined) await this.stop(served, this.stopSignal);
    } finally {
      if (!handedOver) {
        void listening.then(
          (listener) => {
            listener.close();
          },
          () => undefined,
        );
      }
    }
  }

  /** A signal arrived while starting: end now with the status it asks for. */
  private stopped(): boolean {
    if (this.stopSignal === undefined) return false;
    this.finish(exitStatusForSignal(this.stopSignal));
    return true;
  }

  private async stop(served: ServedApp, signal: number): Promise<void> {
    try {
      await served.close();
    } catch (error) {
      this.input.log(`stopping the app failed: ${describe(error)}`);
    }
    this.finish(exitStatusForSignal(signal));
  }

  private finish(status: number): void {
    if (this.done) return;
    this.done = true;
    this.settle(status);
  }
}

/** Runtime errors already name their file, line and field. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
