/**
 * Working through a list of items that another run may be working through at the same time (the
 * same command started twice, or cluster jobs on one output): every item is claimed under its own
 * lock (util/lock.ts) before any work on it. An item another live run holds is put aside, the
 * free ones are done first, and the held ones are waited for at the end, so two runs share the
 * work instead of doing it twice, and each run's result still covers every item (after the wait,
 * the item is usually done and is only read back).
 * @module
 */
import { acquireLock, type Lock, type LockHolder, tryLock } from "./lock.ts";
import { sleep } from "./sleep.ts";

/** How items map to locks, and what to say while waiting. */
export interface ClaimOptions<T> {
  /** The lock file of an item. */
  lockPath(item: T): string;
  /** What the holder does with the item, written into the lock for others' messages. */
  purpose?(item: T): string;
  /** Stops waiting (the iteration rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Milliseconds between tries of a held lock. Default 1000. */
  pollMs?: number;
}

/** An item with its lock, which the consumer releases when done with the item. */
export interface Claimed<T> {
  item: T;
  lock: Lock;
}

/** Options of {@link claimEach}. */
export interface ClaimEachOptions<T> extends ClaimOptions<T> {
  /** Items that must be done in their turn: waited for in place instead of put aside. */
  waitInPlace?(item: T): boolean;
  /** Called once per item found held by another live run, before it is put aside. */
  onBusy?(item: T, holder: LockHolder): void;
}

/** Options of {@link claimBatches}. */
export interface ClaimBatchesOptions<T> extends ClaimOptions<T> {
  /** Called once per round with the items newly found held by other live runs (never empty). */
  onHeld?(held: { item: T; holder: LockHolder }[]): void;
}

/**
 * Yields each item with its lock: free items in order, items held elsewhere after them (each
 * waited for). The consumer must release every yielded lock (`await using`).
 */
export async function* claimEach<T>(
  items: readonly T[],
  options: ClaimEachOptions<T>,
): AsyncGenerator<Claimed<T>> {
  const deferred: T[] = [];
  for (const item of items) {
    options.signal?.throwIfAborted();
    if (options.waitInPlace?.(item)) {
      yield { item, lock: await wait(item, options) };
      continue;
    }
    const result = await tryLock(options.lockPath(item), { purpose: options.purpose?.(item) });
    if ("lock" in result) {
      yield { item, lock: result.lock };
    } else {
      options.onBusy?.(item, result.busy);
      deferred.push(item);
    }
  }
  for (const item of deferred) {
    yield { item, lock: await acquireLock(options.lockPath(item), lockOptions(item, options)) };
  }
}

/**
 * Yields batches of claimed items, for work that handles many items at once (one ffmpeg process
 * per video serves every copy): first every free item, then, as held items come free, the ones
 * free at that moment. The consumer must release every yielded lock.
 */
export async function* claimBatches<T>(
  items: readonly T[],
  options: ClaimBatchesOptions<T>,
): AsyncGenerator<Claimed<T>[]> {
  let remaining = [...items];
  const told = new Set<T>();
  while (remaining.length > 0) {
    options.signal?.throwIfAborted();
    const batch: Claimed<T>[] = [];
    const held: T[] = [];
    const news: { item: T; holder: LockHolder }[] = [];
    for (const item of remaining) {
      const result = await tryLock(options.lockPath(item), { purpose: options.purpose?.(item) });
      if ("lock" in result) {
        batch.push({ item, lock: result.lock });
      } else {
        if (!told.has(item)) news.push({ item, holder: result.busy });
        told.add(item);
        held.push(item);
      }
    }
    if (news.length > 0) options.onHeld?.(news);
    remaining = held;
    if (batch.length > 0) yield batch;
    else await sleep(options.pollMs ?? 1000, options.signal);
  }
}

function wait<T>(item: T, options: ClaimEachOptions<T>): Promise<Lock> {
  return acquireLock(options.lockPath(item), {
    ...lockOptions(item, options),
    onWait: (holder) => options.onBusy?.(item, holder),
  });
}

function lockOptions<T>(item: T, options: ClaimOptions<T>) {
  return { purpose: options.purpose?.(item), signal: options.signal, pollMs: options.pollMs };
}
