/**
 * Collects calls made in the same turn of the event loop and runs them as one batch (one SQL
 * statement for many emails instead of one each). Each caller gets its own result or the
 * batch's error.
 */
export class Batcher<K, V> {
  private pending: Array<{ key: K; resolve: (v: V) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly run: (keys: K[]) => Promise<Map<K, V> | void>,
    private readonly maxBatch = 200,
  ) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    this.run(batch.map((b) => b.key)).then(
      (results) => {
        for (const b of batch) b.resolve(results ? (results.get(b.key) as V) : (undefined as V));
      },
      (error) => {
        for (const b of batch) b.reject(error);
      },
    );
  }
}
