import { Injectable } from '@nestjs/common';

/**
 * Servers an operator has drained (operations spec section 7): they take no new queries but
 * stay connected, logged on and heart-beaten. The OAM side sets the list (the OAM file's
 * `drainedServers`, the drain/enable admin routes); routing only reads it.
 */
@Injectable()
export class DrainedServers {
  private names: ReadonlySet<string> = new Set();

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** replaces the drained set; returns true when it changed. */
  set(names: Iterable<string>): boolean {
    const next = new Set(names);
    const changed = next.size !== this.names.size || [...next].some((n) => !this.names.has(n));
    this.names = next;
    return changed;
  }

  list(): string[] {
    return [...this.names].sort();
  }
}
