/** Numbered progress lines on stderr (`<prefix>: [2/6] bundling …: done in 1.2 s`) for a packaging run. */

export class PackageError extends Error {
  override readonly name = 'PackageError';
}

export interface Steps {
  /** Runs one step, printing its start and duration; a failure becomes a PackageError naming the step. */
  step<T>(title: string, run: () => T | Promise<T>): Promise<T>;
}

export function packageSteps(prefix: string, total: number): Steps {
  let current = 0;
  return {
    async step(title, run) {
      current += 1;
      const label = `[${String(current)}/${String(total)}] ${title}`;
      process.stderr.write(`${prefix}: ${label} …\n`);
      const begin = performance.now();
      try {
        const result = await run();
        process.stderr.write(`${prefix}: ${label}: done in ${seconds(performance.now() - begin)}\n`);
        return result;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new PackageError(`${title} failed: ${message}`, { cause: error });
      }
    },
  };
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
