/**
 * `containerd-shim-spin-v2 … -bundle DIR delete`: containerd's cleanup after a shim went away or a start
 * failed. If the node server still holds the task it is killed and deleted there; the bundle's root
 * filesystem is unmounted; stdout gets the `DeleteResponse` containerd expects (137, as upstream).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readBundleSpec } from '../bundle/oci-spec.js';
import { unmountAll } from '../bundle/rootfs-mounts.js';
import { timestampFromDate } from '../proto/google.js';
import { Messages } from '../proto/shim-messages.js';
import { NAMESPACE_METADATA_KEY } from '../ttrpc/metadata.js';
import { TtrpcClient } from '../ttrpc/client.js';
import { TASK_SERVICES } from '../task/task-service.js';
import { FAILED_EXIT_STATUS } from '../app/exit-status.js';
import type { ShimFlags } from './flags.js';
import { socketPathFromUri } from './server-socket.js';

export async function runDelete(flags: ShimFlags & { namespace: string }): Promise<void> {
  const bundle = flags.bundle ?? process.cwd();
  if (flags.id) await deleteOnServer(bundle, flags.namespace, flags.id);
  const rootPath = await readBundleSpec(bundle).then(
    (spec) => spec.rootPath,
    () => join(bundle, 'rootfs'),
  );
  await unmountAll(rootPath).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
  });
  process.stdout.write(
    Messages.DeleteResponse.encode({
      pid: 0,
      exitStatus: FAILED_EXIT_STATUS,
      exitedAt: timestampFromDate(new Date()),
    }),
  );
}

async function deleteOnServer(bundle: string, namespace: string, id: string): Promise<void> {
  const address = await readFile(join(bundle, 'address'), 'utf8').catch(() => undefined);
  if (!address) return;
  const client = await TtrpcClient.connect(socketPathFromUri(address.trim()), { timeoutMs: 2000 }).catch(
    () => undefined,
  );
  if (!client) return;
  const options = { metadata: { [NAMESPACE_METADATA_KEY]: namespace }, timeoutMs: 5000 };
  const service = TASK_SERVICES[0];
  try {
    await client
      .call(service, 'Kill', Messages.KillRequest.encode({ id, signal: 9 }), options)
      .catch(() => undefined);
    await client.call(service, 'Wait', Messages.WaitRequest.encode({ id }), options).catch(() => undefined);
    await client
      .call(service, 'Delete', Messages.DeleteRequest.encode({ id }), options)
      .catch(() => undefined);
    await client
      .call(service, 'Shutdown', Messages.ShutdownRequest.encode({ id }), options)
      .catch(() => undefined);
  } finally {
    client.close();
  }
}
