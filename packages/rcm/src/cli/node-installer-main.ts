#!/usr/bin/env node
/** The `rcm-node-installer` executable: parse, run, and on failure say why (stderr, termination log), exit 1. */
import { runInstallerCommand } from './node-installer-commands.js';
import { nodeInstallerProgram } from './node-installer-program.js';
import { runProgram } from './run-program.js';
import { rcmVersion } from './version.js';

const output = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  progress: (line: string) => process.stderr.write(`rcm-node-installer: ${line}\n`),
};
runProgram(
  nodeInstallerProgram(rcmVersion(), process.env, (command) => runInstallerCommand(command, output)),
);
