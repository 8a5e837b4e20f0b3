import {
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/config.schema';

const PUBLIC_ROUTE = 'insupclient:public-route';

/** Marks a controller or handler as open without the admin token (/health, /metrics). */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Constant-time comparison whatever the lengths (hashing first makes them equal). */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * `security.admin-token` (read per request, so a reload applies it): when set, every HTTP
 * route not marked {@link PublicRoute} needs `Authorization: Bearer <token>`, else 401.
 * Registered as a global guard, so admin routes of every module (e.g. /segw) are covered.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.security.adminToken;
    if (!expected || context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const header = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>()
      .headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (!match || !tokenMatches(match[1], expected)) {
      throw new UnauthorizedException(
        'missing or wrong admin token (Authorization: Bearer <token>)',
      );
    }
    return true;
  }
}
