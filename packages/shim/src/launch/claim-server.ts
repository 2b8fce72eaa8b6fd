/** `start`'s side of a claim: asks the server at `socketPath` to stay up for task `id`. */
import { LAUNCHER_SERVICE } from '../server/launch-claims.js';
import { Messages } from '../proto/shim-messages.js';
import { TtrpcClient } from '../ttrpc/client.js';

export type ClaimResult = 'claimed' | 'refused' | 'absent';

export async function claimServer(socketPath: string, id: string): Promise<ClaimResult> {
  let client: TtrpcClient;
  try {
    client = await TtrpcClient.connect(socketPath, { timeoutMs: 2000 });
  } catch {
    return 'absent';
  }
  try {
    await client.call(LAUNCHER_SERVICE, 'Claim', Messages.ConnectRequest.encode({ id }), { timeoutMs: 2000 });
    return 'claimed';
  } catch {
    return 'refused';
  } finally {
    client.close();
  }
}
