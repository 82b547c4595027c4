/**
 * Whether a Docker (or compatible) engine answers. testcontainers' own client lookup rejects
 * within milliseconds when none is reachable; the timeout only guards a socket that hangs.
 */
export async function containerRuntimeAvailable(timeoutMs = 3000): Promise<boolean> {
  if (process.env.SHIPCHECK_NO_CONTAINERS === '1') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const probe = getContainerRuntimeClient().then(() => true, () => false);
    const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref());
    return await Promise.race([probe, timeout]);
  } catch {
    return false;
  }
}
