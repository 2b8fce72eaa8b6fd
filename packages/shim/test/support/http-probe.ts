/** HTTP to an app that is still starting: retried until it answers, then the answer. */
export async function getWhenUp(url: string, timeoutMs = 30_000): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer within ${String(timeoutMs)} ms: ${String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
