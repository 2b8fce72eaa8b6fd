/**
 * wasi:cli for a component: its `environment` from the manifest, no arguments, an empty stdin, and stdout
 * and stderr lines written to the runtime's own streams prefixed with the component id, as `spin up` does.
 */
import { InputStream, OutputStream, type ByteSink } from './wasi-io.js';

export interface CliContext {
  readonly componentId: string;
  readonly environment: ReadonlyMap<string, string>;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** Splits written bytes into lines and hands each complete line on; a partial line waits for its end. */
export function lineSink(emit: (line: string) => void): ByteSink & { flushPartial(): void } {
  let partial = '';
  const decoder = new TextDecoder();
  return {
    capacity: 1n << 20n,
    write(chunk) {
      partial += decoder.decode(chunk, { stream: true });
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) emit(line);
    },
    flushPartial() {
      if (partial !== '') emit(partial);
      partial = '';
    },
  };
}

/** Terminal resources: never handed out (there is no terminal), but the glue may name the classes. */
class TerminalInput {
  readonly resource = 'terminal-input';
}
class TerminalOutput {
  readonly resource = 'terminal-output';
}

export function cliImports(context: CliContext): Record<string, object> {
  const prefix = (line: string) => `[${context.componentId}] ${line}`;
  return {
    'wasi:cli/environment': {
      getEnvironment: (): [string, string][] => [...context.environment],
      getArguments: (): string[] => [],
      initialCwd: (): string | undefined => undefined,
    },
    'wasi:cli/exit': {
      exit: (status: { tag: 'ok' | 'err' }): never => {
        throw new Error(`the component called exit(${status.tag})`);
      },
    },
    'wasi:cli/stdin': { getStdin: () => new InputStream(new Uint8Array()) },
    'wasi:cli/stdout': {
      getStdout: () =>
        new OutputStream(
          lineSink((line) => {
            context.stdout(prefix(line));
          }),
        ),
    },
    'wasi:cli/stderr': {
      getStderr: () =>
        new OutputStream(
          lineSink((line) => {
            context.stderr(prefix(line));
          }),
        ),
    },
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
  };
}
