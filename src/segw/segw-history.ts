import { errorText } from '../common/error-text';
import { Logger } from '@nestjs/common';
import { RingBuffer } from './failover-policy';
import { SEGW_CODES, SegwCode, segwIncident } from './segw-incidents';

export const HISTORY_CAPACITY = 1000;

export interface FailoverHistoryEntry {
  timestamp: string;
  connection: string;
  from: string;
  to: string;
  reason: string;
  /** what happened, from the fixed set (docs/segw-incidents.md). */
  code: SegwCode;
  /** `pending` until the attempt ends: `success`, `failed: <why>` or `superseded`. */
  result: string;
}

/** Where the history is kept across restarts; the project's atomic file writer fits. */
export interface HistoryStore {
  read(path: string): Promise<string | undefined>;
  writeAtomic(path: string, text: string): Promise<void>;
}

const isEntry = (e: unknown): e is Omit<FailoverHistoryEntry, 'code'> & { code?: unknown } =>
  typeof e === 'object' &&
  e !== null &&
  ['timestamp', 'connection', 'from', 'to', 'reason', 'result'].every(
    (k) => typeof (e as Record<string, unknown>)[k] === 'string',
  );

/** An entry written before codes existed reads `ok` when it succeeded. */
const codeOf = (e: { code?: unknown; result: string }): SegwCode =>
  SEGW_CODES.includes(e.code as SegwCode)
    ? (e.code as SegwCode)
    : e.result === 'success'
      ? 'ok'
      : 'strongswan-api-failed';

export interface HistoryOptions {
  /** entries older than this are dropped (`segw.history-max-age`). */
  maxAgeMs: number;
  /** wall clock, ms since the epoch (the timestamps are wall-clock times). */
  clock?: () => number;
}

/**
 * The failover history of every managed connection (section 5.2): the last 1000 entries no
 * older than `maxAgeMs` (`purge`, at start and hourly), written to `path` after each change
 * ("" = memory only) and reloaded at start-up. Writes are coalesced: at most one in flight,
 * and one more afterwards if anything changed.
 */
export class SegwHistory {
  private readonly log = new Logger('SegwHistory');
  private readonly entries = new RingBuffer<FailoverHistoryEntry>(HISTORY_CAPACITY);
  private writing: Promise<void> | null = null;
  private dirty = false;

  private readonly maxAgeMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly path: string,
    private readonly store: HistoryStore,
    options: HistoryOptions = { maxAgeMs: Infinity },
  ) {
    this.maxAgeMs = options.maxAgeMs;
    this.clock = options.clock ?? (() => Date.now());
  }

  /** Reloads what an earlier run wrote; an unreadable file is reported, never fatal. */
  async load(): Promise<void> {
    if (!this.path) return;
    try {
      const text = await this.store.read(this.path);
      if (text === undefined) return;
      const parsed = JSON.parse(text) as { history?: unknown };
      const list = Array.isArray(parsed.history) ? parsed.history.filter(isEntry) : [];
      // the file is newest first, the buffer oldest first
      for (const e of list.slice(0, HISTORY_CAPACITY).reverse()) {
        const result = e.result === 'pending' ? 'interrupted' : e.result;
        this.entries.push({ ...e, code: codeOf(e), result });
      }
      this.log.log(`SEGW history: ${list.length} entries reloaded from ${this.path}`);
    } catch (e) {
      const code = e instanceof SyntaxError ? 'parsing-failed' : 'invalid-parameter';
      this.log.error(
        segwIncident(code, `SEGW history file ${this.path} not reloaded: ${errorText(e)}`),
      );
    }
  }

  /** Drops the entries older than `segw.history-max-age`; how many went. */
  purge(): number {
    const cutoff = this.clock() - this.maxAgeMs;
    const dropped = this.entries.dropOldestWhile((e) => Date.parse(e.timestamp) < cutoff);
    if (dropped > 0) {
      this.log.log(`SEGW history: ${dropped} entries older than the max age dropped`);
      this.changed();
    }
    return dropped;
  }

  /** Adds an entry (the caller may still settle its result) and persists. */
  add(entry: FailoverHistoryEntry): FailoverHistoryEntry {
    this.entries.push(entry);
    this.changed();
    return entry;
  }

  /** Sets the result of a pending entry and persists. */
  settle(entry: FailoverHistoryEntry | undefined, result: string): void {
    if (entry?.result !== 'pending') return;
    entry.result = result;
    this.changed();
  }

  latest(limit?: number): FailoverHistoryEntry[] {
    return this.entries.latest(limit);
  }

  /** resolves when every change so far is on disk (tests, shutdown). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private changed(): void {
    if (!this.path) return;
    this.dirty = true;
    if (!this.writing) this.writing = this.writeLoop();
  }

  private async writeLoop(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const text = JSON.stringify({ history: this.entries.latest() }, null, 1);
      try {
        await this.store.writeAtomic(this.path, text);
      } catch (e) {
        const line = `SEGW history not written to ${this.path}: ${errorText(e)}`;
        this.log.error(segwIncident('invalid-parameter', line));
      }
    }
    this.writing = null;
  }
}
