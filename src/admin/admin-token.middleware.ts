import { Inject, Injectable, Logger, NestMiddleware } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ConfigType } from '@nestjs/config';
import { securityConfig } from '../config/config-namespaces';
import { AppConfig } from '../config/config.schema';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Constant-time comparison whatever the lengths (hashing first makes them equal). */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Probes and scrapes stay open: orchestrators and Prometheus carry no admin token. */
export function isOpenPath(path: string): boolean {
  return path.startsWith('/health/') || path === '/metrics' || path === '/health';
}

/** The peer as the operator writes it: `10.0.0.7`, not the dual-stack `::ffff:10.0.0.7`. */
export function peerAddress(remote: string | undefined): string {
  if (!remote) return 'unknown';
  return remote.startsWith('::ffff:') ? remote.slice('::ffff:'.length) : remote;
}

/** 127.0.0.0/8 and ::1 (also as IPv4-mapped IPv6). */
export function isLoopback(remote: string | undefined): boolean {
  const peer = peerAddress(remote);
  return peer === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(peer);
}

/** Whether a listen address serves only this host (a WARN at start-up otherwise). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopback(host);
}

const WRONG_TOKEN = 'missing or wrong admin token (Authorization: Bearer <token>)';
/** operations spec §8.2, word for word. */
export const NON_LOOPBACK = 'admin token required for non-loopback clients';

/** RFC 6750: a 401 names the scheme the client must use. */
const CHALLENGE = 'Bearer';

export interface AdminRefusal {
  status: 401 | 403;
  message: string;
}

/**
 * Why `req` may not use an admin route under the current `security.admin-token` (read per
 * request, so a reload applies it), or null when it may. Operations spec §8.2: without a
 * token only loopback peers are served; with one, every peer needs it; the probe and
 * scrape routes are open either way.
 */
export function adminRefusal(
  config: Pick<AppConfig, 'security'>,
  req: Request,
): AdminRefusal | null {
  if (isOpenPath(req.path)) return null;
  const expected = config.security.adminToken;
  if (!expected) {
    return isLoopback(req.socket.remoteAddress) ? null : { status: 403, message: NON_LOOPBACK };
  }
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match !== null && tokenMatches(match[1], expected)
    ? null
    : { status: 401, message: WRONG_TOKEN };
}

const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The audit line of a state-changing request, once it is answered:
 * `ADMIN POST /state?state=BLOCKED from 10.0.0.7: 200` (never a header, so never the token).
 */
export function auditStateChange(log: Logger, req: Request, res: Response): void {
  if (READ_ONLY.has(req.method)) return;
  const peer = peerAddress(req.socket.remoteAddress);
  res.once('close', () => {
    const outcome = res.writableFinished ? String(res.statusCode) : 'connection closed unanswered';
    log.log(`ADMIN ${req.method} ${req.originalUrl} from ${peer}: ${outcome}`);
  });
}

function refuse(res: Response, refusal: AdminRefusal): void {
  if (refusal.status === 401) res.setHeader('WWW-Authenticate', CHALLENGE);
  res.status(refusal.status).json({
    message: refusal.message,
    error: refusal.status === 401 ? 'Unauthorized' : 'Forbidden',
    statusCode: refusal.status,
  });
}

/**
 * The admin API's access rule on every HTTP route (operations spec §8.2), and the audit
 * line of each state-changing request. An HTTP middleware rather than a global guard, so
 * it covers every module's admin routes (e.g. /segw) without adding a guard to each SIPSVC
 * message of the hybrid app.
 */
@Injectable()
export class AdminTokenMiddleware implements NestMiddleware {
  private readonly log = new Logger('AdminAudit');

  /** ConfigModule's live section: a reload assigns the token inside it. */
  private readonly config: Pick<AppConfig, 'security'>;

  constructor(@Inject(securityConfig.KEY) security: ConfigType<typeof securityConfig>) {
    this.config = { security };
  }

  use(req: Request, res: Response, next: NextFunction): void {
    auditStateChange(this.log, req, res);
    const refusal = adminRefusal(this.config, req);
    if (refusal) return refuse(res, refusal);
    next();
  }
}

/**
 * The same check as a plain Express handler, for routes registered on the HTTP server
 * before Nest's middleware exists (the Swagger UI and documents, see bootstrap.ts).
 */
export function adminTokenGate(config: AppConfig) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const refusal = adminRefusal(config, req);
    if (refusal) return refuse(res, refusal);
    next();
  };
}

/** Operations spec §8.2: one WARN at start when the admin port listens beyond loopback without a token. */
export function warnIfAdminOpen(config: AppConfig, log: Pick<Logger, 'warn'>): boolean {
  const { host, port } = config.server;
  if (config.security.adminToken || isLoopbackHost(host)) return false;
  log.warn(
    `Admin API listens on ${host}:${port} without security.admin-token: only loopback peers are served ` +
      `(others get 403, except /health/live, /health/ready and /metrics); set security.admin-token ` +
      `(or security.admin-token-file) to serve them`,
  );
  return true;
}
