import { ViciSection } from './vici-wire';

export type ViciEventHandler = (name: string, message: ViciSection) => void;

/**
 * Event handlers by event name. A throwing handler is reported to `onError` and stops
 * there: the other handlers and later events carry on.
 */
export class ViciSubscribers {
  private readonly handlers = new Map<string, Set<ViciEventHandler>>();

  constructor(private readonly onError?: (error: unknown, event: string) => void) {}

  has(event: string): boolean {
    return this.handlers.has(event);
  }

  add(event: string, h: ViciEventHandler): void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(h);
  }

  remove(event: string, h: ViciEventHandler): void {
    const set = this.handlers.get(event);
    if (!set) return;
    set.delete(h);
    if (set.size === 0) this.handlers.delete(event);
  }

  clear(): void {
    this.handlers.clear();
  }

  dispatch(event: string, message: ViciSection): void {
    const set = this.handlers.get(event);
    if (set) for (const h of [...set]) this.deliver(h, event, message);
  }

  private deliver(h: ViciEventHandler, event: string, message: ViciSection): void {
    try {
      h(event, message);
    } catch (e) {
      try {
        this.onError?.(e, event);
      } catch {
        // the reporter itself failed: nothing more to do for it here
      }
    }
  }
}
