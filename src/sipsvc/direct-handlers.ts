import {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PIPES_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { MessageHandler } from '@nestjs/microservices';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { RpcParamtype } from '@nestjs/microservices/enums/rpc-paramtype.enum';

type Method = (...args: unknown[]) => unknown;

/** Tokens of app-wide enhancers (APP_GUARD etc. providers are registered under these prefixes). */
const GLOBAL_ENHANCER_TOKENS = ['APP_GUARD', 'APP_INTERCEPTOR', 'APP_PIPE', 'APP_FILTER'];
const ENHANCER_METADATA = [
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PIPES_METADATA,
  EXCEPTION_FILTERS_METADATA,
];

/**
 * The `@MessagePattern` methods of the application's controllers that can be called directly,
 * `(request, connection)`, instead of through Nest's RPC proxy: a singleton controller, no
 * guard, interceptor, pipe or exception filter on it or app-wide, and its parameters only
 * `@Payload()` (first) and `@Ctx()` (second), or none. Nest's proxy adds nothing to such a
 * method but some ten promises per call; any handler that needs more is left to it (absent
 * from the map). Keys are the lower-cased patterns.
 */
export function findDirectHandlers(modules: ModulesContainer): Map<string, MessageHandler> {
  const direct = new Map<string, MessageHandler>();
  /** a pattern declared twice is left to Nest, which decides which one runs. */
  const twice = new Set<string>();
  const all = [...modules.values()];
  const globalEnhancers = all.some((m) =>
    [...m.providers.keys()].some(
      (token) =>
        typeof token === 'string' && GLOBAL_ENHANCER_TOKENS.some((t) => token.startsWith(t)),
    ),
  );
  if (globalEnhancers) return direct;
  for (const module of all) {
    for (const wrapper of module.controllers.values()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || !wrapper.isDependencyTreeStatic()) continue;
      const type = instance.constructor as object;
      if (hasEnhancers(type)) continue;
      const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(proto)) {
        const method = proto[key];
        if (key === 'constructor' || typeof method !== 'function') continue;
        const patterns = Reflect.getMetadata(PATTERN_METADATA, method) as unknown[] | undefined;
        if (!patterns || hasEnhancers(method)) continue;
        const call = directCall(instance, method as Method, type, key);
        if (!call) continue;
        for (const p of patterns) {
          if (typeof p !== 'string') continue;
          const cmd = p.toLowerCase();
          if (direct.has(cmd)) twice.add(cmd);
          direct.set(cmd, call);
        }
      }
    }
  }
  for (const cmd of twice) direct.delete(cmd);
  return direct;
}

function hasEnhancers(target: object): boolean {
  return ENHANCER_METADATA.some((k) => {
    const v = Reflect.getMetadata(k, target) as unknown[] | undefined;
    return Array.isArray(v) && v.length > 0;
  });
}

interface ParamMetadata {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

/** `(request, connection)` → the method, or null when its parameters need Nest's proxy. */
function directCall(
  instance: object,
  method: Method,
  type: object,
  key: string,
): MessageHandler | null {
  const params = (Reflect.getMetadata(ROUTE_ARGS_METADATA, type, key) ?? {}) as Record<
    string,
    ParamMetadata
  >;
  let payload = false;
  let context = false;
  for (const [k, p] of Object.entries(params)) {
    if (p.data !== undefined || (p.pipes?.length ?? 0) > 0) return null;
    const kind = Number(k.split(':')[0]);
    if (kind === RpcParamtype.PAYLOAD && p.index === 0) payload = true;
    else if (kind === RpcParamtype.CONTEXT && p.index === 1) context = true;
    else return null;
  }
  if (context && !payload) return null;
  // Nest passes only the payload to a method without @Ctx(): so does this
  const handler = context
    ? (req: unknown, ctx: unknown) => method.call(instance, req, ctx)
    : (req: unknown) => method.call(instance, req);
  return handler as unknown as MessageHandler;
}
