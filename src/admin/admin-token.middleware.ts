import { Injectable, NestMiddleware, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
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

const REFUSAL = 'missing or wrong admin token (Authorization: Bearer <token>)';

/** RFC 6750: a 401 names the scheme the client must use. */
const CHALLENGE = 'Bearer';

/** Whether `req` may use an admin route under the current `security.admin-token`. */
export function adminRequestAllowed(config: AppConfig, req: Request): boolean {
  const expected = config.security.adminToken;
  if (!expected || isOpenPath(req.path)) return true;
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match !== null && tokenMatches(match[1], expected);
}

/**
 * `security.admin-token` (read per request, so a reload applies it): when set, every HTTP
 * route except /health/* and /metrics needs `Authorization: Bearer <token>`, else 401.
 * An HTTP middleware rather than a global guard, so it covers every module's admin routes
 * (e.g. /segw) without adding a guard to each SIPSVC message of the hybrid app.
 */
@Injectable()
export class AdminTokenMiddleware implements NestMiddleware {
  constructor(private readonly config: AppConfig) {}

  use(req: Request, res: Response, next: NextFunction): void {
    if (!adminRequestAllowed(this.config, req)) {
      res.setHeader('WWW-Authenticate', CHALLENGE);
      throw new UnauthorizedException(REFUSAL);
    }
    next();
  }
}

/**
 * The same check as a plain Express handler, for routes registered on the HTTP server
 * before Nest's middleware exists (the Swagger UI and documents, see bootstrap.ts). Answers
 * in the body Nest gives an UnauthorizedException.
 */
export function adminTokenGate(config: AppConfig) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (adminRequestAllowed(config, req)) return next();
    res
      .status(401)
      .setHeader('WWW-Authenticate', CHALLENGE)
      .json({ message: REFUSAL, error: 'Unauthorized', statusCode: 401 });
  };
}
