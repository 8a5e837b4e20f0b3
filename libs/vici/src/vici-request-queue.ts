interface Job {
  run: () => void;
  reject: (e: Error) => void;
}

/**
 * Runs async jobs one at a time, in order. VICI requests carry no id, so the client may
 * have only one packet in flight. `stop` rejects everything still queued; a stopped
 * queue runs nothing more.
 */
export class SerialRequestQueue {
  private readonly jobs: Job[] = [];
  private busy = false;
  private stopped = false;

  run<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({
        run: () => {
          fn()
            .then(resolve, reject)
            .finally(() => {
              this.busy = false;
              this.next();
            });
        },
        reject,
      });
      this.next();
    });
  }

  stop(error: Error): void {
    this.stopped = true;
    for (const job of this.jobs.splice(0)) job.reject(error);
  }

  private next(): void {
    if (this.busy || this.stopped) return;
    const job = this.jobs.shift();
    if (!job) return;
    this.busy = true;
    job.run();
  }
}
