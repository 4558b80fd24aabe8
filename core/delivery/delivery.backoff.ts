/**
 * When to try a failed send again: exponential from 2 s, capped at 10 minutes, with ±20% jitter so that a storm of
 * failures does not come back in lockstep; a platform's Retry-After wins when it asks for longer.
 */
export function nextAttemptDelayMs(
  attempts: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(2_000 * 2 ** Math.max(attempts - 1, 0), 600_000);
  const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, Math.min(jittered, retryAfterMs + 1_000)) : jittered;
}
