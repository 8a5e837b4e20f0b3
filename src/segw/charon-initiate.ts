import { errorText } from '../common/error-text';
import { IpsecControl } from './ipsec-control';
import { childNames, managedConn } from './charon-config';
import { initiateRefusalCode, SegwCode, thrownCode } from './segw-incidents';

export type InitiateOutcome =
  { ok: true } | { ok: false; why: string; code: SegwCode } | { stale: true };

/**
 * One attempt of a managed connection on one SEGW: end every SA of the connection (re-loading
 * under the same name replaces the config but not SAs already built from it, so nothing to
 * the old SEGW survives, and nothing left from before a gateway restart is doubled), load it
 * with `address` only, initiate every child in turn. A failed attempt ends its half-open IKE
 * SA (a timed-out initiate leaves charon still trying) and says what failed as an incident
 * code. `current()` false: a newer plan replaced this one; the attempt stops at its next step
 * and reports `stale`.
 */
export async function initiateOn(
  control: IpsecControl,
  name: string,
  conn: Record<string, unknown>,
  address: string,
  timeoutMs: number,
  current: () => boolean,
): Promise<InitiateOutcome> {
  let failure: { why: string; code: SegwCode } | undefined;
  let refused: SegwCode = 'strongswan-api-failed';
  try {
    await control.terminateIke(name);
    refused = 'config-creation-failed';
    await control.loadConn(name, managedConn(conn, address));
    refused = 'strongswan-api-failed';
    for (const child of childNames(conn)) {
      if (!current()) return { stale: true };
      const r = await control.initiate(name, child, timeoutMs);
      if (!current()) return { stale: true };
      if (!r.ok) {
        const why = r.error ?? 'initiate failed';
        failure = { why, code: initiateRefusalCode(why) };
        break;
      }
    }
    if (failure === undefined) return { ok: true };
  } catch (e) {
    if (!current()) return { stale: true };
    failure = { why: errorText(e), code: thrownCode(e, refused) };
  }
  await control.terminateIke(name).catch(() => undefined);
  return current() ? { ok: false, ...failure } : { stale: true };
}
