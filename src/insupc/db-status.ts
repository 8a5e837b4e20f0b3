/** Routing tiers of DB_STATUS (binary protocol section 5). */

/** MA: round-robin target while any MA server has a READY connection. */
export const PRIMARY_TIER = 0;
/** A status that never receives new requests (xB) or is not known yet. */
export const NOT_ROUTABLE = -1;

const TIERS: Readonly<Record<string, number>> = { MA: PRIMARY_TIER, DA: 1, MS: 2, DS: 3 };

/** 0 = primary (MA); 1, 2, 3 = fallback DA, MS, DS; NOT_ROUTABLE for xB and unknown. */
export function routingTier(status: string): number {
  return TIERS[status] ?? NOT_ROUTABLE;
}
