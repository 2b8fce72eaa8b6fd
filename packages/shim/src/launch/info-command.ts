/**
 * `-info`: containerd 2.x runs every shim binary with `-info`, the runtime options as a protobuf `Any` on
 * stdin, and reads a `containerd.types.RuntimeInfo` protobuf from stdout. The shim names its runtime type
 * and version, echoes the options, and reports no OCI runtime features: it runs no OCI runtime.
 */
import { PlatformNames } from '@spinkube/api';
import { anyCodec, type AnyMessage } from '../proto/google.js';
import { Messages } from '../proto/shim-messages.js';
import { SHIM_REVISION, SHIM_VERSION } from '../version.js';

/** The RuntimeInfo bytes for the options containerd sent (empty when it sent none). */
export function runtimeInfo(options: Uint8Array): Uint8Array {
  const echoed: AnyMessage | null = options.length > 0 ? anyCodec.decode(options) : null;
  return Messages.RuntimeInfo.encode({
    name: PlatformNames.runtimeType,
    version: { version: SHIM_VERSION, revision: SHIM_REVISION },
    options: echoed,
  });
}

export async function runInfo(): Promise<void> {
  const chunks: Buffer[] = [];
  // A person running `-info` at a terminal sends no options; containerd always closes stdin.
  if (!process.stdin.isTTY) for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  process.stdout.write(runtimeInfo(Buffer.concat(chunks)));
}
