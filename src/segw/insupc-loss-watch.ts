/**
 * Section 5.3's trigger, pure: which managed connection just lost every INSUPC server
 * mapped to it (`insupc.clients[].segw-connection`). It fires on the change from "some
 * server behind the connection has a logged-on connection" to "none has", so never before
 * the first logon, and once per loss.
 */
export class InsupcLossWatch {
  private readonly connectionOf = new Map<string, string>();
  private readonly loggedOn = new Map<string, number>();

  /** `mapping`: INSUPC server name → managed connection name. */
  constructor(mapping: ReadonlyMap<string, string>) {
    for (const [server, connection] of mapping) {
      this.connectionOf.set(server, connection);
      this.loggedOn.set(server, 0);
    }
  }

  get watching(): boolean {
    return this.connectionOf.size > 0;
  }

  /** A server's logged-on count changed; the connection whose servers are now all lost. */
  update(server: string, count: number): string | undefined {
    const connection = this.connectionOf.get(server);
    if (connection === undefined) return undefined;
    const before = this.total(connection);
    this.loggedOn.set(server, Math.max(0, count));
    return before > 0 && this.total(connection) === 0 ? connection : undefined;
  }

  private total(connection: string): number {
    let n = 0;
    for (const [server, c] of this.connectionOf)
      if (c === connection) n += this.loggedOn.get(server)!;
    return n;
  }
}
