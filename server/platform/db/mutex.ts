/**
 * FIFO lock: PGlite has one connection, so a transaction must own it until it ends. A database
 * call made through the shared handle *inside* a transaction would wait for itself forever; the
 * wait limit turns that programming error into a clear exception instead of a silent hang.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly waitLimitMs = 30_000) {}

  async lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`waited ${this.waitLimitMs} ms for the embedded database connection: a query outside the current transaction's handle, or a very long transaction`)),
        this.waitLimitMs,
      );
    });
    try {
      await Promise.race([previous, limit]);
    } catch (err) {
      // Give our turn away unused so later callers are not blocked behind us.
      void previous.then(release);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return release;
  }
}
