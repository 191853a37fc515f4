import sqlite3 from 'sqlite3';

/** How often the checkpointer looks for committed work to copy into the database file. */
const INTERVAL_MS = 200;

/**
 * WAL checkpoints of a SQLite file, taken off the commit path.
 *
 * By default the committing connection checkpoints itself once the WAL passes 1,000 pages: every
 * few dozen commits one transaction's COMMIT copies the whole WAL into the database file and
 * fsyncs it, inside the writer's turn, while every other write waits — on average most of a
 * commit's cost and all of its tail. Here the writer's automatic checkpoints are off and this
 * separate connection runs PASSIVE checkpoints on the thread pool: they never take the write lock,
 * so commits go on while pages are copied, and pages rewritten between two checkpoints are copied
 * once. Durability is unchanged (a checkpoint only moves committed frames); a crash leaves the
 * frames in the WAL, which SQLite replays on the next open.
 */
export class WalCheckpointer {
  private timer?: NodeJS.Timeout;
  private connection?: sqlite3.Database;
  private running?: Promise<void>;
  private commitsSinceCheckpoint = 0;

  constructor(private readonly path: string) {}

  async open(): Promise<void> {
    this.connection = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db: sqlite3.Database = new sqlite3.Database(this.path, (error) => (error ? reject(error) : resolve(db)));
    });
    // The checkpointer yields to writers and readers; a busy database just means "next time".
    this.connection.configure('busyTimeout', 0);
    this.timer = setInterval(() => void this.checkpointIfDue(), INTERVAL_MS);
    this.timer.unref();
  }

  /** Called after each commit; the next tick checkpoints only when something was committed. */
  noteCommit(): void {
    this.commitsSinceCheckpoint++;
  }

  /** One PASSIVE checkpoint now, unless one is already running. */
  checkpointIfDue(): Promise<void> {
    if (this.running || this.commitsSinceCheckpoint === 0 || !this.connection) return this.running ?? Promise.resolve();
    this.commitsSinceCheckpoint = 0;
    const connection = this.connection;
    this.running = new Promise<void>((resolve) => {
      // A failure (SQLITE_BUSY while another checkpoint runs) leaves the frames for the next tick.
      connection.get('PRAGMA wal_checkpoint(PASSIVE)', () => resolve());
    }).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and closes its connection; the last connection to close checkpoints the rest. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await new Promise<void>((resolve) => connection.close(() => resolve()));
  }
}
