/**
 * What the gateway loads into charon for a managed connection, as pure builders over the
 * operator's connection (already through `toViciConnection`: every list key a list).
 */

type Conn = Record<string, unknown>;

/** charon connection name of a connection's failback probe. */
export const FAILBACK_PROBE_SUFFIX = '-failback-probe';
/** charon connection name of the INSUPC-loss probe of section 5.3: `<name>-probe`. */
export const LOSS_PROBE_SUFFIX = '-probe';

/** The CHILD_SA names of a connection, in definition order. */
export function childNames(conn: Conn): string[] {
  const children = conn.children;
  return children && typeof children === 'object' ? Object.keys(children) : [];
}

/**
 * The operator's map with one remote address, plus what charon must not do behind the
 * manager's back: retry the same SEGW (keyingtries), restart an SA to the same SEGW on DPD
 * timeout or close (dpd_action/close_action restart), or move the SA to another address
 * itself (MOBIKE). Without DPD a dead SEGW would never be noticed.
 */
export function managedConn(conn: Conn, address: string): Conn {
  const children: Conn = {};
  for (const [name, child] of Object.entries((conn.children ?? {}) as Record<string, Conn>)) {
    children[name] = { ...child, start_action: 'none', dpd_action: 'clear', close_action: 'none' };
  }
  return {
    dpd_delay: '10s',
    ...conn,
    remote_addrs: [address],
    keyingtries: 1,
    mobike: 'no',
    children,
  };
}

/**
 * A probe: the operator's IKE settings towards `address`, no children (no traffic
 * selectors, so nothing is installed next to the live tunnel), no DPD (it lives for one
 * round trip). The SEGWs must accept a second IKE SA with our identity, which is charon's
 * default (`unique = no`).
 */
export function probeConn(conn: Conn, address: string): Conn {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { children, ...ike } = conn;
  return { ...ike, remote_addrs: [address], keyingtries: 1, mobike: 'no', dpd_delay: '0s' };
}
