#!/usr/bin/env node
/**
 * Entry point of `spinkube-runtime`. It turns on Node's on-disk compile cache before loading anything
 * else, so every start after the first skips parsing and compiling the runtime's JavaScript (and the
 * workers skip it for the transpiled component glue), then runs the command line.
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./up-command.js');
