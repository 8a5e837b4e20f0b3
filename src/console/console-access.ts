import type { Request, Response } from 'express';
import { adminTokenGate } from '../admin/admin-token.middleware';
import { AppConfig } from '../config/config.schema';

/** How the admin guard would answer a request: its status and headers (the body is ours). */
export interface ConsoleRefusal {
  status: number;
  headers: Record<string, string>;
}

/**
 * Asks the admin guard itself (its plain Express form, `adminTokenGate`, the one Swagger
 * uses) whether `req` may see the console, so the console follows every rule the guard
 * has (token, peer address) and no copy of them can drift. The guard answers a refusal as
 * `status(...)`, `setHeader(...)` and `json(...)` on the response; a recorder keeps the
 * status and headers instead of sending them.
 */
export function consoleRefusal(config: AppConfig, req: Request): ConsoleRefusal | null {
  let allowed = false;
  const refusal: ConsoleRefusal = { status: 0, headers: {} };
  const recorder = {
    status(code: number) {
      refusal.status = code;
      return recorder;
    },
    setHeader(name: string, value: string) {
      refusal.headers[name] = value;
      return recorder;
    },
    json: () => recorder,
    send: () => recorder,
    end: () => recorder,
  };
  adminTokenGate(config)(req, recorder as unknown as Response, () => (allowed = true));
  return allowed ? null : refusal;
}
