/**
 * Semantic and cross-field rules: checked after every key is valid on its own, at start-up,
 * by `config check` and on a reload. Each rule returns one problem per offence, naming the
 * keys involved the way the operator writes them.
 */
import { AppConfig } from './config.schema';

export type ConfigRule = (config: AppConfig) => string[];

/** A healthy idle connection gets a frame (the heartbeat answer) once per heartbeat-interval. */
const readTimeoutAboveHeartbeat: ConfigRule = (c) =>
  c.insupc.clients.flatMap((client, i) =>
    client.readTimeout > client.heartbeatInterval
      ? []
      : [
          `insupc.clients[${i}].read-timeout (${client.readTimeout}) must be greater than insupc.clients[${i}].heartbeat-interval (${client.heartbeatInterval}): an idle connection would be closed before its heartbeat is answered`,
        ],
  );

/** `segw-connection` names a managed connection (operations spec §5.3). */
const segwConnectionKnown: ConfigRule = (c) =>
  c.insupc.clients.flatMap((client, i) => {
    const name = client.segwConnection;
    if (name === undefined || Object.hasOwn(c.segw.connections, name)) return [];
    const known = Object.keys(c.segw.connections);
    return [
      `insupc.clients[${i}].segw-connection: '${name}' is not a key of segw.connections (${known.length ? known.join(', ') : 'none defined'})`,
    ];
  });

/**
 * Every rule, in order. The definitions under `segw.connections` (remote_addrs, local,
 * remote, children; operations spec §5.1) are validated by the SEGW feature's own pure
 * functions: add that rule here (e.g. `(c) => validateSegwConnections(c.segw)` returning
 * `segw.connections.<name>.<key>: <why>` lines) so it runs with the others.
 */
export const CONFIG_RULES: readonly ConfigRule[] = [readTimeoutAboveHeartbeat, segwConnectionKnown];

export function checkConfigRules(config: AppConfig): string[] {
  return CONFIG_RULES.flatMap((rule) => rule(config));
}
