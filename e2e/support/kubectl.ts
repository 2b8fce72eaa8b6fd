/**
 * kubectl (the pinned build from test-cluster's tool cache) against one cluster, as a user would type it:
 * `kubectl(['logs', 'pod'])` resolves with stdout and rejects with the command and its stderr.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { binaryPath, ensureTool, kubectlTool } from '@spinkube/test-cluster';

export type Kubectl = (
  args: readonly string[],
  options?: { input?: string; timeoutMs?: number },
) => Promise<string>;

export async function kubectlFor(kubeconfigPath: string): Promise<{ kubectl: Kubectl; binary: string }> {
  const binary = binaryPath(await ensureTool(kubectlTool), 'kubectl');
  const env = { ...process.env, KUBECONFIG: kubeconfigPath };
  const kubectl: Kubectl = (args, options = {}) =>
    new Promise((resolve, reject) => {
      const child = execFile(
        binary,
        args,
        { env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`kubectl ${args.join(' ')}: ${stderr.trim() || error.message}`));
          else resolve(stdout);
        },
      );
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
  return { kubectl, binary };
}

export interface PortForward {
  /** The local port kubectl chose. */
  readonly port: number;
  stop(): Promise<void>;
}

/** `kubectl port-forward <target> :<remotePort>`, resolved once kubectl says where it forwards from. */
export function portForward(
  binary: string,
  kubeconfigPath: string,
  target: string,
  remotePort: number,
): Promise<PortForward> {
  const child: ChildProcess = spawn(
    binary,
    ['port-forward', '--address=127.0.0.1', target, `:${String(remotePort)}`],
    {
      env: { ...process.env, KUBECONFIG: kubeconfigPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`kubectl port-forward ${target}: no port within 30 s: ${output}`));
    }, 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ port: Number(match[1]), stop });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl port-forward ${target} exited with ${String(code)}: ${output}`));
    });
  });
}
