import type { Request } from 'express';
import { adminRefusal } from '../admin/admin-token.middleware';
import { AppConfig } from '../config/config.schema';

/** How the admin guard answers a request it refuses: its status and headers (the body is ours). */
export interface ConsoleRefusal {
  status: number;
  headers: Record<string, string>;
}

/**
 * The admin guard's own verdict on `req` (`adminRefusal`, the function its middleware
 * runs), so the console follows every rule the guard has (token, peer address) and no copy
 * of them can drift. A 401 names the Bearer scheme, as the guard's does (RFC 6750).
 */
export function consoleRefusal(
  config: Pick<AppConfig, 'security'>,
  req: Request,
): ConsoleRefusal | null {
  const refusal = adminRefusal(config, req);
  if (!refusal) return null;
  const headers: Record<string, string> =
    refusal.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
  return { status: refusal.status, headers };
}
