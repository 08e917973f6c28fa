/**
 * Group commit: items handed in while a flush is running are written together by the next flush, so many
 * concurrent small writes become few transactions without adding a timer (an idle queue flushes at once).
 */

/**
 * Create a committer. Each call resolves once its item's batch has been flushed, or rejects with the flush's
 * error (the whole batch shares its fate).
 */
export function groupCommit<T>(flush: (items: readonly T[]) => Promise<void>, maxBatch = 500): (item: T) => Promise<void> {
  let queue: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let running = false;
  const drain = async (): Promise<void> => {
    running = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        try {
          await flush(batch.map((b) => b.item));
          for (const b of batch) b.resolve();
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      running = false;
    }
  };
  return (item) => new Promise<void>((resolve, reject) => {
    queue.push({ item, resolve, reject });
    if (!running) void drain();
  });
}
