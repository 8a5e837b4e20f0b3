import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { securityConfig, tcpConfig } from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { ServiceStateService } from '../oam/service-state.service';
import { decodeBase64Strict, findAllowedClient, ipBytes } from './allowed-client-matcher';
import { SipsvcConnection } from './sipsvc-connection';
import { SipsvcConnectionRegistry } from './sipsvc-connection-registry';
import { SipsvcReply, SipsvcRequest } from '../contracts/sipsvc-message';
import { ResultText, SipsvcResult } from '../contracts/sipsvc-result';

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

/**
 * The `auth` command (sipsvc-json-protocol.md section 2). Whitelist, limits and the
 * verify-peer flag are read from the config at each auth, so a reload applies to the next one.
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
  ) {
    this.config = { security, tcp };
  }

  authenticate(req: SipsvcRequest, conn: SipsvcConnection): SipsvcReply {
    const failure = this.check(req, conn);
    if (failure !== null) {
      this.log.warn(`${conn.tag} ${failure}`);
      return { result: SipsvcResult.AUTH_FAILED, resultDesc: failure, sessionState: null };
    }
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

  /** the failure text, or null when the connection is now authenticated. */
  private check(req: SipsvcRequest, conn: SipsvcConnection): string | null {
    if (this.serviceState.blocked) return AuthFailure.SERVICE_BLOCKED;
    const { ipAddr, macAddr } = req;
    if (typeof ipAddr !== 'string' || ipAddr === '') return AuthFailure.missingField('ipAddr');
    if (typeof macAddr !== 'string' || macAddr === '') return AuthFailure.missingField('macAddr');
    const key = decodeBase64Strict(req.accessKey);
    if (key === null) return AuthFailure.BAD_KEY_FORMAT;
    const { security, tcp } = this.config;
    const allowed = findAllowedClient(security.allowedClients, ipAddr, macAddr, key);
    if (!allowed || (security.verifyPeerAddress && !samePeer(ipAddr, conn.clientIp))) {
      return AuthFailure.notAllowed(ipAddr, macAddr);
    }
    const max = tcp.server.maxConnections;
    if (!this.registry.tryAuthenticate(conn, max)) {
      return AuthFailure.maxConnections(this.registry.authenticated, max);
    }
    return null;
  }
}

function samePeer(claimed: string, peer: string): boolean {
  const a = ipBytes(claimed);
  const b = ipBytes(peer);
  return a !== null && b !== null && a.equals(b);
}
