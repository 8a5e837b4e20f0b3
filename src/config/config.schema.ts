/**
 * The typed configuration of the gateway: one class per YAML section, validated with
 * class-validator. Property names are the camelCase forms of the YAML's kebab-case keys
 * (`max-connections` → `maxConnections`); error messages name the YAML key.
 * Defaults live in `config/insupclient.yaml` and in the initialisers below (the same values),
 * so a file that omits a key still gets a sane value.
 */
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';

export class StateServerConfig {
  /** ms between statistics snapshots (persist + optional POST). */
  @IsInt() @Min(100) interval = 60000;
  @IsString() statFile = 'data/stats.json';
  /** optional: each snapshot is POSTed here as JSON ("" = off). */
  @IsString()
  @ValidateIf((o: StateServerConfig) => o.url !== '')
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'url must be an http:// or https:// URL, or "" for none' },
  )
  url = '';
}

export class ShutdownConfig {
  /** ms to wait for in-flight executes on SIGTERM before closing anyway. */
  @IsInt() @Min(0) drainTimeout = 10000;
}

export class ApplicationConfig {
  @IsString() name = 'insupclient';
  @IsString() version = '0.0.1';
  @IsString() @MinLength(1) systemName = 'AMAS-SES1';
  @ValidateNested() @Type(() => StateServerConfig) stateServer = new StateServerConfig();
  @ValidateNested() @Type(() => ShutdownConfig) shutdown = new ShutdownConfig();
}

export class HttpServerConfig {
  @IsString() host = '0.0.0.0';
  /** 0 = any free port (tests). */
  @IsInt() @Min(0) @Max(65535) port = 15020;
}

export const FRAMINGS = ['json-stream', 'length-prefixed'] as const;
export type Framing = (typeof FRAMINGS)[number];

export class TcpServerConfig {
  @IsString() host = '0.0.0.0';
  @IsInt() @Min(0) @Max(65535) port = 15021;
  @IsIn(FRAMINGS) framing: Framing = 'json-stream';
  @IsInt() @Min(64) @Max(16 * 1024 * 1024) maxMessageBytes = 65536;
  @IsInt() @Min(1) maxConnections = 100;
  /** operations.md §6.3: connections not yet authenticated, in all and per source address. */
  @IsInt() @Min(1) maxPendingConnections = 1000;
  @IsInt() @Min(1) maxPendingPerIp = 100;
  @IsInt() @Min(1) authTimeout = 5000;
  @IsInt() @Min(1) idleTimeout = 60000;
  @IsInt() @Min(1) connectionTimeout = 7200000;
}

export class TcpConfig {
  @ValidateNested() @Type(() => TcpServerConfig) server = new TcpServerConfig();
}

export class AllowedClientConfig {
  /** exact IPv4/IPv6 address, `*`, or a CIDR block. */
  @IsString() @MinLength(1) ip!: string;
  /** MAC address (case-insensitive) or `*`. */
  @IsString() @MinLength(1) mac!: string;
  /** the plain key the client sends Base64-encoded, or `*`. */
  @IsString() @MinLength(1) authKey!: string;
  @IsOptional() @IsString() description?: string;
}

export class SecurityConfig {
  @IsBoolean() verifyPeerAddress = false;
  /** when set, admin routes (not /health, /metrics) need `Authorization: Bearer <token>`. */
  @IsString() adminToken = '';
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AllowedClientConfig)
  allowedClients: AllowedClientConfig[] = [];
}

export class QueueConfig {
  @IsInt() @Min(1) capacity = 5000;
  @IsInt() @Min(1) @Max(1024) threadCount = 2;
}

export class SipsvcConfig {
  @ValidateNested() @Type(() => QueueConfig) recvQueue = new QueueConfig();
}

export class InsupcLogonConfig {
  @IsString() @MinLength(1) logonId = 'insupclient';
  @IsString() password = '';
}

export class InsupcClientConfig {
  @IsString() @MinLength(1) name!: string;
  @IsString() @MinLength(1) host!: string;
  @IsInt() @Min(1) @Max(65535) port!: number;
  @IsInt() @Min(1) @Max(1024) connectionPoolSize = 1;
  @IsInt() @Min(1) connectTimeout = 3000;
  @IsInt() @Min(1) readTimeout = 30000;
  @IsInt() @Min(1) retryInterval = 1000;
  @IsInt() @Min(1) heartbeatInterval = 10000;
  @IsInt() @Min(1) heartbeatTimeout = 5000;
  @IsInt() @Min(1) heartbeatMaxMisses = 3;
}

/** Names key the statistics, /state and logs: two servers with one name would be merged. */
function duplicateClientNames({ value }: ValidationArguments): string {
  const seen = new Set<unknown>();
  const dupes = new Set<unknown>();
  for (const c of (value ?? []) as InsupcClientConfig[]) {
    if (seen.has(c?.name)) dupes.add(c?.name);
    seen.add(c?.name);
  }
  return `clients must have unique names (${[...dupes].join(', ')} appears more than once)`;
}

export class InsupcConfig {
  @IsInt() @Min(0) @Max(65535) asId = 100;
  @IsInt() @Min(62) maxFrameBytes = 1048576;
  @ValidateNested() @Type(() => InsupcLogonConfig) logon = new InsupcLogonConfig();
  @ValidateNested() @Type(() => QueueConfig) recvQueue = new QueueConfig();
  @IsArray()
  @ArrayNotEmpty({ message: 'insupc.clients must list at least one INSUPC server' })
  @ArrayUnique((c: InsupcClientConfig) => c?.name, { message: duplicateClientNames })
  @ValidateNested({ each: true })
  @Type(() => InsupcClientConfig)
  clients: InsupcClientConfig[] = [];
}

export class WorkerConfig {
  @IsInt() @Min(1) queueCapacity = 10000;
  @IsInt() @Min(1) concurrency = 64;
}

export class TpsConfig {
  @IsInt() @Min(1) maxTps = 1000;
  @IsInt() @Min(1) windowSize = 1000;
}

export class MessageConfig {
  @IsInt() @Min(1) maxSessions = 10000;
  @IsInt() @Min(1) sessionTimeout = 30000;
}

export class OamFileConfig {
  @IsString() @MinLength(1) path = 'config/oam-conf.json';
}

export class OamConfig {
  @ValidateNested() @Type(() => OamFileConfig) config = new OamFileConfig();
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class LoggingConfig {
  @IsIn(LOG_LEVELS) level: LogLevel = 'info';
  /** optional: also write logs to this file (stdout always). */
  @IsString() file = '';
  /** optional: one line per finished execute. */
  @IsString() executeFile = '';
  /** each INSUPC frame in and out at debug, decoded with its hex (password masked); hot. */
  @IsBoolean() insupcFrames = false;
}

export class SegwPolicyConfig {
  @IsInt() @Min(1) maxRetries = 5;
  @IsInt() @Min(0) backoffBase = 1000;
  @Min(1) backoffMultiplier = 2;
  @IsInt() @Min(0) backoffMax = 30000;
  @IsIn(['none', 'primary']) failback: 'none' | 'primary' = 'none';
  @IsInt() @Min(1) initiateTimeout = 5000;
}

export class SegwSecretConfig {
  @IsString() type!: string;
  @IsOptional() @IsString() id?: string;
  @IsString() secret!: string;
}

export class SegwConfig {
  @IsBoolean() enabled = false;
  @IsString() @Matches(/^\S+$/) viciSocket = '/var/run/charon.vici';
  @ValidateNested() @Type(() => SegwPolicyConfig) policy = new SegwPolicyConfig();
  /** swanctl.conf-style connections, passed to VICI load-conn as they are (keys untouched). */
  @IsObject() connections: Record<string, Record<string, unknown>> = {};
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SegwSecretConfig)
  secrets: SegwSecretConfig[] = [];
}

export class AppConfig {
  @ValidateNested() @Type(() => ApplicationConfig) application = new ApplicationConfig();
  @ValidateNested() @Type(() => HttpServerConfig) server = new HttpServerConfig();
  @ValidateNested() @Type(() => TcpConfig) tcp = new TcpConfig();
  @ValidateNested() @Type(() => SecurityConfig) security = new SecurityConfig();
  @ValidateNested() @Type(() => SipsvcConfig) sipsvc = new SipsvcConfig();
  @ValidateNested() @Type(() => InsupcConfig) insupc = new InsupcConfig();
  @ValidateNested() @Type(() => WorkerConfig) worker = new WorkerConfig();
  @ValidateNested() @Type(() => TpsConfig) tps = new TpsConfig();
  @ValidateNested() @Type(() => MessageConfig) message = new MessageConfig();
  @ValidateNested() @Type(() => OamConfig) oam = new OamConfig();
  @ValidateNested() @Type(() => LoggingConfig) logging = new LoggingConfig();
  @ValidateNested() @Type(() => SegwConfig) segw = new SegwConfig();
}
