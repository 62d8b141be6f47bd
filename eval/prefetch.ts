/**
 * A bounded, in-order prefetch over async work: while the caller consumes item i (runs
 * inference), items i+1..i+depth are already being prepared (decoded by ffmpeg, faces located,
 * preprocessed), so decoding overlaps inference without unbounded memory.
 * @module
 */

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
