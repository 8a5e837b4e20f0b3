/**
 * The original service's `application.yml` keys (operations spec §6.5), rewritten to the
 * keys used here on the raw YAML tree (kebab-case, before validation). Each alias found
 * gives one warning naming the key to use; when the new key is given too, it wins.
 */
type Plain = Record<string, unknown>;

const isMap = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface AliasOutcome {
  /** the tree with every alias rewritten (the input is not changed). */
  tree: Plain;
  warnings: string[];
}

/** The map at `path`, created (as an empty map) when `create`; undefined if something else is there. */
function mapAt(root: Plain, path: string[], create: boolean): Plain | undefined {
  let node = root;
  for (const seg of path) {
    if (node[seg] === undefined && create) node[seg] = {};
    if (!isMap(node[seg])) return undefined;
    node = node[seg];
  }
  return node;
}

function dropIfEmpty(root: Plain, key: string): void {
  if (isMap(root[key]) && Object.keys(root[key]).length === 0) delete root[key];
}

const aliasWarning = (alias: string, key: string, bothGiven: boolean): string =>
  bothGiven
    ? `config key ${alias} is the original's name for ${key}, which is also set: ${key} wins, ${alias} is ignored`
    : `config key ${alias} is the original's name for ${key}: use ${key}`;

/** Moves `from` (a path) to `to` unless `to` is set; one warning either way. */
function moveKey(root: Plain, from: string[], to: string[], warnings: string[]): void {
  const parent = mapAt(root, from.slice(0, -1), false);
  const leaf = from[from.length - 1];
  if (!parent || !(leaf in parent)) return;
  const value = parent[leaf];
  delete parent[leaf];
  const target = mapAt(root, to.slice(0, -1), true);
  const targetLeaf = to[to.length - 1];
  const bothGiven = target !== undefined && target[targetLeaf] !== undefined;
  if (target && !bothGiven) target[targetLeaf] = value;
  warnings.push(aliasWarning(from.join('.'), to.join('.'), bothGiven));
  if (from.length > 1) dropIfEmpty(root, from[0]);
}

/** Renames a field in every element of `insupc.clients`; one warning for all of them. */
function renameClientField(clients: unknown[], from: string, to: string, warnings: string[]) {
  let seen = false;
  let bothGiven = false;
  for (const c of clients) {
    if (!isMap(c) || !(from in c)) continue;
    seen = true;
    if (c[to] === undefined) c[to] = c[from];
    else bothGiven = true;
    delete c[from];
  }
  if (seen) {
    warnings.push(aliasWarning(`insupc.clients[].${from}`, `insupc.clients[].${to}`, bothGiven));
  }
}

/** Drops a field the original accepted but no longer used from every client; one warning. */
function dropClientField(clients: unknown[], field: string, why: string, warnings: string[]) {
  if (!clients.some((c) => isMap(c) && field in c)) return;
  for (const c of clients) if (isMap(c)) delete c[field];
  warnings.push(`config key insupc.clients[].${field} is ignored: ${why}`);
}

/** `client.targets[] {ip, port}` → `insupc.clients[] {name: ip:port, host, port}`. */
function moveTargets(root: Plain, client: Plain, warnings: string[]): void {
  const targets = client.targets;
  delete client.targets;
  const insupc = mapAt(root, ['insupc'], true);
  if (!insupc) return;
  if (insupc.clients !== undefined) {
    warnings.push(aliasWarning('client.targets', 'insupc.clients', true));
    return;
  }
  let droppedState = false;
  insupc.clients = (Array.isArray(targets) ? targets : [targets]).map((t) => {
    if (!isMap(t)) return t;
    const { ip, state, ...rest } = t;
    droppedState ||= state !== undefined;
    return { name: `${String(ip)}:${String(t.port)}`, host: ip, ...rest };
  });
  warnings.push(
    aliasWarning('client.targets[] {ip, port}', 'insupc.clients[] {name, host, port}', false) +
      (droppedState ? ' (state is ignored: the status comes from each server)' : ''),
  );
}

/** `client.heart-beat.interval` → `heartbeat-interval` of every client that has none. */
function spreadHeartbeat(root: Plain, client: Plain, warnings: string[]): void {
  const heartBeat = client['heart-beat'];
  if (!isMap(heartBeat) || !('interval' in heartBeat)) return;
  const interval = heartBeat.interval;
  delete heartBeat.interval;
  if (Object.keys(heartBeat).length === 0) delete client['heart-beat'];
  const clients = mapAt(root, ['insupc'], false)?.clients;
  let bothGiven = false;
  for (const c of Array.isArray(clients) ? clients : []) {
    if (!isMap(c)) continue;
    if (c['heartbeat-interval'] === undefined) c['heartbeat-interval'] = interval;
    else bothGiven = true;
  }
  warnings.push(
    aliasWarning('client.heart-beat.interval', 'insupc.clients[].heartbeat-interval', bothGiven),
  );
}

/** A deep copy made of this realm's objects (structuredClone's would not dump under jest). */
function copyTree<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyTree) as T;
  if (!isMap(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyTree(v)])) as T;
}

export function applyLegacyAliases(input: Plain): AliasOutcome {
  const root = copyTree(input);
  const warnings: string[] = [];
  moveKey(root, ['server', 'tcp-port'], ['tcp', 'server', 'port'], warnings);
  moveKey(root, ['session', 'max-connections'], ['tcp', 'server', 'max-connections'], warnings);
  // UT_03_001: the original caps sessions at `auth` with it, i.e. authenticated connections
  moveKey(root, ['max-session-count'], ['tcp', 'server', 'max-connections'], warnings);
  moveKey(root, ['queue-size'], ['worker', 'queue-capacity'], warnings);
  moveKey(root, ['client-queue-size'], ['worker', 'queue-capacity'], warnings);
  const client = root.client;
  if (isMap(client)) {
    if ('targets' in client) moveTargets(root, client, warnings);
    spreadHeartbeat(root, client, warnings);
    dropIfEmpty(root, 'client');
  }
  const clients = mapAt(root, ['insupc'], false)?.clients;
  if (Array.isArray(clients)) {
    renameClientField(clients, 'ip', 'host', warnings);
    dropClientField(
      clients,
      'connection-timeout',
      'the original stopped using it in v2.6 (a 30 s value made reconnects take 31 s) and connects within 3 s; connect-timeout keeps its default (3000)',
      warnings,
    );
    dropClientField(
      clients,
      'retry-count',
      'reconnects never stop (every retry-interval)',
      warnings,
    );
  }
  return { tree: root, warnings };
}
