import { errorText } from '../common/error-text';
import { IpsecControl } from './ipsec-control';
import { childNames, managedConn } from './charon-config';

export type InitiateOutcome = { ok: true } | { ok: false; why: string } | { stale: true };

/**
 * One attempt of a managed connection on one SEGW: end every SA of the connection (re-loading
 * under the same name replaces the config but not SAs already built from it, so nothing to
 * the old SEGW survives, and nothing left from before a gateway restart is doubled), load it
 * with `address` only, initiate every child in turn. A failed attempt ends its half-open IKE
 * SA (a timed-out initiate leaves charon still trying). `current()` false: a newer plan
 * replaced this one; the attempt stops at its next step and reports `stale`.
 */
export async function initiateOn(
  control: IpsecControl,
  name: string,
  conn: Record<string, unknown>,
  address: string,
  timeoutMs: number,
  current: () => boolean,
): Promise<InitiateOutcome> {
  let why: string;
  try {
    await control.terminateIke(name);
    await control.loadConn(name, managedConn(conn, address));
    for (const child of childNames(conn)) {
      if (!current()) return { stale: true };
      const r = await control.initiate(name, child, timeoutMs);
      if (!current()) return { stale: true };
      if (!r.ok) {
        why = r.error ?? 'initiate failed';
        break;
      }
    }
    if (why! === undefined) return { ok: true };
  } catch (e) {
    if (!current()) return { stale: true };
    why = errorText(e);
  }
  await control.terminateIke(name).catch(() => undefined);
  return current() ? { ok: false, why } : { stale: true };
}
