/**
 * Semantic and cross-field rules: checked after every key is valid on its own, at start-up,
 * by `config check` and on a reload. Each finding names the keys involved the way the
 * operator writes them; an error stops start-up, a warning is logged at start-up.
 */
import { connectionProblems } from '../../libs/vici/src/swanctl-connection';
import { AppConfig } from './config.schema';

export interface RuleFinding {
  level: 'error' | 'warn';
  message: string;
}

export type ConfigRule = (config: AppConfig) => RuleFinding[];

const error = (message: string): RuleFinding => ({ level: 'error', message });
const warn = (message: string): RuleFinding => ({ level: 'warn', message });

/**
 * An idle connection's only frames are heartbeat answers, one per heartbeat-interval: a
 * shorter read-timeout closes it every time (error); an equal one races the answer (the
 * seed's own UT_02_007 file has 10000 = 10000, so it is a warning, not a refusal).
 */
const readTimeoutAboveHeartbeat: ConfigRule = (c) =>
  c.insupc.clients.flatMap(({ readTimeout, heartbeatInterval }, i): RuleFinding[] => {
    const keys = `insupc.clients[${i}].read-timeout (${readTimeout}) and insupc.clients[${i}].heartbeat-interval (${heartbeatInterval})`;
    if (readTimeout < heartbeatInterval) {
      return [
        error(
          `${keys}: read-timeout must be greater than heartbeat-interval, or every idle connection is closed before its next heartbeat`,
        ),
      ];
    }
    if (readTimeout === heartbeatInterval) {
      return [
        {
          level: 'warn',
          message: `${keys} are equal: an idle connection may be closed just before its heartbeat is answered; make read-timeout greater`,
        },
      ];
    }
    return [];
  });

/** `segw-connection` names a managed connection (operations spec §5.3). */
const segwConnectionKnown: ConfigRule = (c) =>
  c.insupc.clients.flatMap((client, i) => {
    const name = client.segwConnection;
    if (name === undefined || Object.hasOwn(c.segw.connections, name)) return [];
    const known = Object.keys(c.segw.connections);
    return [
      error(
        `insupc.clients[${i}].segw-connection: '${name}' is not a key of segw.connections (${known.length ? known.join(', ') : 'none defined'})`,
      ),
    ];
  });

/** Limits that make another one pointless: almost always a typo. */
const limitsInOrder: ConfigRule = ({ tcp: { server }, segw: { policy } }) => [
  ...(server.maxPendingPerIp > server.maxPendingConnections
    ? [
        warn(
          `tcp.server.max-pending-per-ip (${server.maxPendingPerIp}) is above tcp.server.max-pending-connections (${server.maxPendingConnections}): the per-address limit never applies`,
        ),
      ]
    : []),
  ...(policy.backoffBase > policy.backoffMax
    ? [
        warn(
          `segw.policy.backoff-base (${policy.backoffBase}) is above segw.policy.backoff-max (${policy.backoffMax}): every retry waits backoff-max`,
        ),
      ]
    : []),
];

/** What {@link segwConfigProblems} needs of the SEGW section (camelCase, validated). */
export interface SegwValidationInput {
  segw: { enabled: boolean; connections: Record<string, unknown> };
}

/**
 * Start-up rules of section 5.1: with `segw.enabled`, at least one connection and every one
 * usable (remote_addrs, local, remote, children, list keys: swanctl.conf's semantics in
 * libs/vici). References from `insupc.clients[].segw-connection` are {@link segwConnectionKnown}.
 */
export function segwConfigProblems(c: SegwValidationInput): string[] {
  if (!c.segw.enabled) return [];
  const names = Object.keys(c.segw.connections ?? {});
  if (names.length === 0)
    return ['segw.connections: segw.enabled is true but no connection is defined'];
  return names.flatMap((name) =>
    connectionProblems(`segw.connections.${name}`, c.segw.connections[name]),
  );
}

const segwConnectionsUsable: ConfigRule = (c) => segwConfigProblems(c).map(error);

/** TLS on a listener needs its files named; a required client certificate needs a CA. */
const tlsUsable: ConfigRule = ({ tcp, server, security }) => {
  const found: RuleFinding[] = [];
  for (const [key, tls] of [
    ['tcp.server.tls', tcp.server.tls],
    ['server.tls', server.tls],
  ] as const) {
    if (!tls.enabled) continue;
    if (!tls.certFile || !tls.keyFile)
      found.push(error(`${key}.cert-file and ${key}.key-file must be set when ${key}.enabled`));
    if (tls.requireClientCert && !tls.caFile)
      found.push(
        error(`${key}.require-client-cert needs ${key}.ca-file (the CA to check against)`),
      );
  }
  const pinned = security.allowedClients.findIndex((c) => c.certCn !== undefined);
  if (pinned >= 0 && !(tcp.server.tls.enabled && tcp.server.tls.caFile))
    found.push(
      warn(
        `security.allowed-clients[${pinned}].cert-cn needs verified client certificates (tcp.server.tls.enabled with a ca-file): that entry never authenticates`,
      ),
    );
  return found;
};

/** Every rule, in order. */
export const CONFIG_RULES: readonly ConfigRule[] = [
  readTimeoutAboveHeartbeat,
  segwConnectionsUsable,
  segwConnectionKnown,
  limitsInOrder,
  tlsUsable,
];

export function checkConfigRules(config: AppConfig): { errors: string[]; warnings: string[] } {
  const findings = CONFIG_RULES.flatMap((rule) => rule(config));
  const of = (level: RuleFinding['level']) =>
    findings.filter((f) => f.level === level).map((f) => f.message);
  return { errors: of('error'), warnings: of('warn') };
}
