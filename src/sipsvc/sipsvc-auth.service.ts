import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { isCleanText, UNCLEAN } from '../common/client-text';
import { Scheduler, SCHEDULER } from '../common/scheduler';
import { securityConfig, tcpConfig } from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { ServiceStateService } from '../oam/service-state.service';
import { decodeBase64Strict, findAllowedClient, ipBytes } from './allowed-client-matcher';
import { SipsvcConnection } from './sipsvc-connection';
import { SipsvcConnectionRegistry } from './sipsvc-connection-registry';
import { SipsvcReply, SipsvcRequest } from '../contracts/sipsvc-message';
import { ResultText, SipsvcResult, SipsvcResultCode } from '../contracts/sipsvc-result';
import { AuthFailureThrottle } from './auth-failure-throttle';

export const AuthFailure = {
  SERVICE_BLOCKED: 'Authentication failed - Service blocked',
  BAD_KEY_FORMAT: 'Authentication failed - Invalid access key format (Base64 decoding error)',
  notAllowed: (ip: string, mac: string): string =>
    `Authentication failed - IP: ${ip}, MAC: ${mac} not allowed`,
  maxConnections: (current: number, max: number): string =>
    `Authentication failed - Maximum connection limit exceeded (${current}/${max})`,
  missingField: (name: string): string =>
    `Authentication failed - Missing or invalid field: ${name}`,
} as const;

/** A refused auth: its answer, and whether it counts as a guess (§8.4). */
interface Refusal {
  result: SipsvcResultCode;
  text: string;
  guess: boolean;
}

const guess = (text: string): Refusal => ({ result: SipsvcResult.AUTH_FAILED, text, guess: true });
const refusal = (text: string): Refusal => ({
  result: SipsvcResult.AUTH_FAILED,
  text,
  guess: false,
});

/**
 * The `auth` command (sipsvc-json-protocol.md section 2). Whitelist, limits and the
 * verify-peer flag are read from the config at each auth, so a reload applies to the next one.
 * Failed auths (wrong credentials, malformed fields: not a BLOCKED service or a full gateway)
 * are counted per address by the {@link AuthFailureThrottle}.
 */
@Injectable()
export class SipsvcAuthService {
  private readonly log = new Logger('SipsvcAuth');

  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'security' | 'tcp'>;

  constructor(
    @Inject(securityConfig.KEY) security: ConfigType<typeof securityConfig>,
    @Inject(tcpConfig.KEY) tcp: ConfigType<typeof tcpConfig>,
    private readonly serviceState: ServiceStateService,
    private readonly registry: SipsvcConnectionRegistry,
    private readonly throttle: AuthFailureThrottle,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
  ) {
    this.config = { security, tcp };
  }

  authenticate(req: SipsvcRequest, conn: SipsvcConnection): SipsvcReply {
    const failure = this.check(req, conn);
    if (failure !== null) {
      this.log.warn(`${conn.tag} ${failure.text}`);
      if (failure.guess) this.throttle.failed(conn.clientIp, this.scheduler.now());
      return { result: failure.result, resultDesc: failure.text, sessionState: null };
    }
    this.throttle.succeeded(conn.clientIp);
    this.log.log(
      `${conn.tag} Authenticated - IP: ${String(req.ipAddr)}, MAC: ${String(req.macAddr)}`,
    );
    return {
      result: SipsvcResult.SUCCESS,
      resultDesc: ResultText.SUCCESS,
      sessionState: 'ACTIVE',
      token: conn.token,
      timestamp: Date.now(),
    };
  }

  /** why the auth is refused, or null when the connection is now authenticated. */
  private check(req: SipsvcRequest, conn: SipsvcConnection): Refusal | null {
    if (this.serviceState.blocked) return refusal(AuthFailure.SERVICE_BLOCKED);
    const { ipAddr, macAddr } = req;
    if (typeof ipAddr !== 'string' || ipAddr === '')
      return guess(AuthFailure.missingField('ipAddr'));
    if (typeof macAddr !== 'string' || macAddr === '') {
      return guess(AuthFailure.missingField('macAddr'));
    }
    // both reach the log lines (operations spec §8.5): result 1, and the connection closes
    if (!isCleanText(ipAddr)) return uncleanField('ipAddr');
    if (!isCleanText(macAddr)) return uncleanField('macAddr');
    const key = decodeBase64Strict(req.accessKey);
    if (key === null) return guess(AuthFailure.BAD_KEY_FORMAT);
    const { security, tcp } = this.config;
    const allowed = findAllowedClient(security.allowedClients, ipAddr, macAddr, key, conn.peerCn);
    if (!allowed || (security.verifyPeerAddress && !samePeer(ipAddr, conn.clientIp))) {
      return guess(AuthFailure.notAllowed(ipAddr, macAddr));
    }
    const max = tcp.server.maxConnections;
    if (!this.registry.tryAuthenticate(conn, max)) {
      return refusal(AuthFailure.maxConnections(this.registry.authenticated, max));
    }
    return null;
  }
}

function uncleanField(name: string): Refusal {
  return {
    result: SipsvcResult.INVALID_REQUEST,
    text: `Invalid field: ${name} ${UNCLEAN}`,
    guess: true,
  };
}

function samePeer(claimed: string, peer: string): boolean {
  const a = ipBytes(claimed);
  const b = ipBytes(peer);
  return a !== null && b !== null && a.equals(b);
}
