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

/**
 * `security.admin-token` (read per request, so a reload applies it): when set, every HTTP
 * route except /health/* and /metrics needs `Authorization: Bearer <token>`, else 401.
 * An HTTP middleware rather than a global guard, so it covers every module's admin routes
 * (e.g. /segw) without adding a guard to each SIPSVC message of the hybrid app.
 */
@Injectable()
export class AdminTokenMiddleware implements NestMiddleware {
  constructor(private readonly config: AppConfig) {}

  use(req: Request, _res: Response, next: NextFunction): void {
    const expected = this.config.security.adminToken;
    if (!expected || isOpenPath(req.path)) return next();
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (!match || !tokenMatches(match[1], expected)) {
      throw new UnauthorizedException(
        'missing or wrong admin token (Authorization: Bearer <token>)',
      );
    }
    next();
  }
}
