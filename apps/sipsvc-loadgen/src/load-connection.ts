import type { ExactlyOnceTracker } from './exactly-once-tracker';
import type { LoadgenOptions } from './loadgen-options';

/** what the generator learns from each answer (called synchronously from the socket read). */
export interface AnswerSink {
  answer(conn: LoadConnection, result: number, sendTime: number, now: number): void;
  closed(conn: LoadConnection, why: string): void;
}

/** One protocol connection the generator drives (SIPSVC JSON, or INSUPC binary). */
export interface LoadConnection {
  readonly tracker: ExactlyOnceTracker;
  readonly closed: boolean;
  /** sends one request whose sequence number comes from `tracker.sent()`. */
  sendExecute(): void;
  /** batches the writes of several `sendExecute()` calls into one. */
  cork(): void;
  uncork(): void;
  close(): void;
}

/** What the generator needs of the options: the load's shape, not the protocol. */
export type LoadShape = Pick<
  LoadgenOptions,
  'connections' | 'window' | 'rate' | 'duration' | 'count' | 'warmup' | 'drainTimeout'
> & { framing: string };

export type ConnectionOpener = (index: number, sink: AnswerSink) => Promise<LoadConnection>;
