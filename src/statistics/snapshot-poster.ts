import { Injectable } from '@nestjs/common';

/** Sends one snapshot to the statistics server (`application.state-server.url`). */
@Injectable()
export class SnapshotPoster {
  async post(url: string, body: string, timeoutMs: number): Promise<void> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drain the body so the keep-alive socket is released.
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  }
}
