/**
 * swanctl.conf connection semantics (operations spec section 5.1), as pure functions: which
 * keys are lists, how a connection goes to charon as VICI, and what a usable connection
 * definition needs. The gateway's config validation checks `segw.connections` with
 * {@link connectionProblems}; the SEGW module sends {@link toViciConnection}'s output.
 */

/**
 * swanctl.conf's comma-separated list keys, by level (swanctl.conf(5)). charon refuses such
 * a key sent as a plain value (`unknown option: <key>`), so they always go as VICI lists.
 */
export const SWANCTL_LIST_KEYS = {
  connection: ['local_addrs', 'remote_addrs', 'vips', 'pools', 'proposals'],
  /** `local<suffix>` and `remote<suffix>` sections (authentication rounds). */
  auth: ['certs', 'cacerts', 'pubkeys', 'groups', 'cert_policy', 'ca_id_list'],
  child: ['local_ts', 'remote_ts', 'esp_proposals', 'ah_proposals'],
} as const;

type Section = Record<string, unknown>;

const isSection = (v: unknown): v is Section =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `local`, `local-1`, `remote2`…: the authentication round sections of a connection. */
export const isAuthSection = (key: string, value: unknown): boolean =>
  /^(local|remote)([-_.]?\w*)?$/.test(key) && !key.endsWith('_addrs') && !key.endsWith('_ts')
    ? isSection(value)
    : false;

/**
 * A list key's value as a list: `"a, ,b "` → `['a', 'b']` (whitespace trimmed, empty items
 * dropped), a YAML list item by item; undefined when the value is neither (a config error).
 */
export function parseList(value: unknown): string[] | undefined {
  const items = Array.isArray(value)
    ? value.map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined))
    : typeof value === 'string'
      ? value.split(',')
      : typeof value === 'number'
        ? [String(value)]
        : undefined;
  if (!items || items.some((i) => i === undefined)) return undefined;
  return (items as string[]).map((i) => i.trim()).filter((i) => i.length > 0);
}

function listsIn(section: Section, keys: readonly string[]): Section {
  const out: Section = { ...section };
  for (const key of keys) {
    if (key in out) out[key] = parseList(out[key]) ?? out[key];
  }
  return out;
}

/** The operator's connection with every list key as a list (other keys untouched). */
export function toViciConnection(conn: Section): Section {
  const out = listsIn(conn, SWANCTL_LIST_KEYS.connection);
  for (const [key, value] of Object.entries(out)) {
    if (isAuthSection(key, value)) out[key] = listsIn(value as Section, SWANCTL_LIST_KEYS.auth);
  }
  if (isSection(out.children)) {
    const children: Section = {};
    for (const [name, child] of Object.entries(out.children)) {
      children[name] = isSection(child) ? listsIn(child, SWANCTL_LIST_KEYS.child) : child;
    }
    out.children = children;
  }
  return out;
}

function listProblems(section: Section, keys: readonly string[], at: string): string[] {
  return keys
    .filter((k) => k in section && parseList(section[k]) === undefined)
    .map((k) => `${at}.${k}: must be a comma-separated string or a list of strings`);
}

/**
 * Problems of one connection definition, each naming its key under `at` (the connection's
 * own key path, e.g. `segw.connections.<name>`); empty when usable.
 */
export function connectionProblems(at: string, conn: unknown): string[] {
  if (!isSection(conn)) return [`${at}: must be a map (a swanctl.conf connection)`];
  const out = listProblems(conn, SWANCTL_LIST_KEYS.connection, at);
  if ((parseList(conn.remote_addrs) ?? []).length === 0) out.push(`${at}.remote_addrs: no address`);
  for (const side of ['local', 'remote']) {
    const sections = Object.entries(conn).filter(
      ([k, v]) => (k === side || k.startsWith(side)) && isAuthSection(k, v),
    );
    if (sections.length === 0) out.push(`${at}.${side}: missing (a section with auth)`);
    for (const [key, section] of sections as Array<[string, Section]>) {
      if (typeof section.auth !== 'string' || section.auth.trim() === '')
        out.push(`${at}.${key}.auth: missing`);
      out.push(...listProblems(section, SWANCTL_LIST_KEYS.auth, `${at}.${key}`));
    }
  }
  const children = conn.children;
  if (!isSection(children) || Object.keys(children).length === 0) {
    out.push(`${at}.children: no child (at least one CHILD_SA is needed)`);
  } else {
    for (const [child, def] of Object.entries(children)) {
      if (!isSection(def)) out.push(`${at}.children.${child}: must be a map`);
      else out.push(...listProblems(def, SWANCTL_LIST_KEYS.child, `${at}.children.${child}`));
    }
  }
  return out;
}
