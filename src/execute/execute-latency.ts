import { Injectable } from '@nestjs/common';

/** Where execute latencies go (the metrics histogram). */
export interface ExecuteLatencyObserver {
  observeExecute(seconds: number, result: number): void;
}

/**
 * The execute pipeline's latency signal: whoever wants each execute's latency (the metrics
 * module) subscribes. Execute does not import its observers, so they may import execute.
 */
@Injectable()
export class ExecuteLatency implements ExecuteLatencyObserver {
  private readonly observers: ExecuteLatencyObserver[] = [];

  subscribe(observer: ExecuteLatencyObserver): void {
    this.observers.push(observer);
  }

  observeExecute(seconds: number, result: number): void {
    for (const o of this.observers) o.observeExecute(seconds, result);
  }
}
