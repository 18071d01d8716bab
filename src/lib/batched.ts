/**
 * Gathers the calls made during one turn of the event loop into one call of `run`. A worker runs
 * hundreds of sends at once and each makes the same few MongoDB requests; one request for many
 * documents costs the worker and the database far less than many requests for one each.
 * `run` answers one value per key, in order. If it fails, every call in its batch fails.
 */
export function batched<K, V>(run: (keys: K[]) => Promise<V[]>, maxBatch = 500): (key: K) => Promise<V> {
  let pending: Array<{ key: K; resolve: (value: V) => void; reject: (error: unknown) => void }> = [];

  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    run(batch.map((entry) => entry.key)).then(
      (values) => batch.forEach((entry, index) => entry.resolve(values[index])),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  };

  return (key) => new Promise<V>((resolve, reject) => {
    pending.push({ key, resolve, reject });
    if (pending.length === 1) setImmediate(flush);
    else if (pending.length >= maxBatch) flush();
  });
}
