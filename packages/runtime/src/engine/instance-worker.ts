/**
 * Entry point of a worker thread that runs guests: the compile cache first (see cli/main.ts), then the
 * worker itself.
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./instance-worker-main.js');
