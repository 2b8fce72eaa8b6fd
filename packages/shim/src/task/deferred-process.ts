/**
 * A task process that exists once `created` settles (the app host is still loading): start and signals
 * wait for it, in the order they were given.
 */
import { FAILED_EXIT_STATUS } from '../app/exit-status.js';
import type { TaskProcess } from './task.js';

export class DeferredProcess implements TaskProcess {
  readonly exited: Promise<number>;
  private chain: Promise<TaskProcess | undefined>;

  constructor(created: Promise<TaskProcess>, onError: (error: unknown) => void) {
    const process = created.catch((error: unknown) => {
      onError(error);
      return undefined;
    });
    this.chain = process;
    this.exited = process.then((inner) => inner?.exited ?? FAILED_EXIT_STATUS);
  }

  start(): void {
    this.chain = this.chain.then((inner) => {
      inner?.start();
      return inner;
    });
  }

  kill(signal: number): void {
    this.chain = this.chain.then((inner) => {
      inner?.kill(signal);
      return inner;
    });
  }
}
