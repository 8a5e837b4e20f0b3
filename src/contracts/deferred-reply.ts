import { SipsvcReply } from './sipsvc-message';

/** Where a {@link DeferredReply} delivers its reply (the SIPSVC transport). */
export interface ReplySink {
  deliverReply(reply: SipsvcReply): void;
}

/**
 * A reply a `@MessagePattern` handler returns now and gives later, without a promise: the
 * transport says where it goes (`deliverTo`), the handler settles it once (`resolve`),
 * whichever comes first. Thenable, so whatever awaits it (Nest's RPC proxy, specs) gets the
 * reply as from a promise.
 */
export class DeferredReply implements PromiseLike<SipsvcReply> {
  private sink: ReplySink | null = null;
  private reply: SipsvcReply | null = null;

  /** the transport: where the reply goes (at once when it has come already). */
  deliverTo(sink: ReplySink): void {
    if (this.reply) sink.deliverReply(this.reply);
    else this.sink = sink;
  }

  /** the handler: the reply; later calls are ignored. */
  resolve(reply: SipsvcReply): void {
    if (this.reply) return;
    this.reply = reply;
    const sink = this.sink;
    this.sink = null;
    sink?.deliverReply(reply);
  }

  then<A = SipsvcReply, B = never>(
    onFulfilled?: ((reply: SipsvcReply) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    return new Promise<SipsvcReply>((resolve) => this.deliverTo({ deliverReply: resolve })).then(
      onFulfilled,
      onRejected,
    );
  }
}
