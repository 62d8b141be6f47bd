/**
 * Bounded concurrency over async work, in input order: {@link mapLimit} runs at most N calls at
 * once and collects every result (distort: videos in parallel), {@link prefetchMap} keeps a
 * bounded number of preparations ahead of a consumer (eval: decoding and face preparation of the
 * next videos overlap inference of the current one) without unbounded memory, and
 * {@link resourcePool} lends each call one of a few resources (eval: a detector session per
 * batch in flight).
 * @module
 */

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping order. After a call
 * fails no new one starts, and the calls in flight are waited for (their cleanup, e.g. removing
 * a killed ffmpeg's temporary file, must end before the process may exit); then the first error
 * is thrown. A `limit` below 1 runs one call at a time.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await fn(items[i]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }
  const settled = await Promise.allSettled(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker),
  );
  const rejected = settled.find((s) => s.status === "rejected");
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
  return results;
}

/** Options for {@link prefetchMap}. */
export interface PrefetchOptions {
  /**
   * How many items may be in preparation ahead of the one being consumed. Default 2. 0 turns the
   * overlap off (each item is prepared only when the consumer asks for it), for measuring it.
   */
  depth?: number;
}

/**
 * Yields `prepare(item, index)` for each item, in input order, keeping at most `depth` + 1
 * preparations alive at once. A rejected preparation rethrows when its turn comes to be yielded
 * (catch inside `prepare` to turn failures into values). Stopping the iteration early lets the
 * in-flight preparations finish in the background; their results are dropped.
 */
export async function* prefetchMap<T, R>(
  items: readonly T[],
  prepare: (item: T, index: number) => Promise<R>,
  options: PrefetchOptions = {},
): AsyncGenerator<R> {
  const depth = Math.max(0, Math.floor(options.depth ?? 2));
  if (depth === 0) {
    for (let i = 0; i < items.length; i++) yield await prepare(items[i], i);
    return;
  }
  const pending: Promise<R>[] = [];
  let next = 0;
  const fill = () => {
    while (next < items.length && pending.length <= depth) {
      const promise = prepare(items[next], next);
      // Rejections are observed when yielded; this keeps an early stop from an unhandled rejection.
      promise.catch(() => {});
      pending.push(promise);
      next++;
    }
  };
  fill();
  while (pending.length > 0) {
    const result = await pending.shift()!;
    fill();
    yield result;
  }
}

/**
 * Lends `resources` to jobs, one each: a job gets an idle resource, or waits (first come, first
 * served) until one is given back when its holder's job settles. At most `resources.length` jobs
 * run at once; the job's result or rejection is passed through.
 */
export function resourcePool<R>(
  resources: readonly R[],
): <T>(job: (resource: R) => Promise<T>) => Promise<T> {
  const idle = [...resources];
  const waiting: ((resource: R) => void)[] = [];
  const take = () =>
    idle.length > 0 ? Promise.resolve(idle.pop()!) : new Promise<R>((r) => waiting.push(r));
  const give = (resource: R) => {
    const next = waiting.shift();
    if (next) next(resource);
    else idle.push(resource);
  };
  return async (job) => {
    const resource = await take();
    try {
      return await job(resource);
    } finally {
      give(resource);
    }
  };
}
