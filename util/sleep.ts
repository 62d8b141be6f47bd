/**
 * Waiting that an AbortSignal can cut short.
 * @module
 */

/**
 * Resolves after `ms` milliseconds; rejects with `signal.reason` as soon as `signal` aborts
 * (at once when it already has).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", aborted);
      resolve();
    }, ms);
    function aborted() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", aborted, { once: true });
  });
}
