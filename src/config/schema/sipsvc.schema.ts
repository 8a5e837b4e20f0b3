import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
} from 'class-validator';
import { Key } from '../config-key';
import { AuthFailureConfig, TlsConfig } from './tls.schema';

export const FRAMINGS = ['json-stream', 'length-prefixed'] as const;
export type Framing = (typeof FRAMINGS)[number];

export class TcpServerConfig {
  @Key({ doc: 'SIPSVC JSON/TCP listen address' }) @IsString() host = '0.0.0.0';
  @Key({ doc: 'SIPSVC JSON/TCP port (0 = any free port)' }) @IsInt() @Min(0) @Max(65535) port =
    15021;

  @Key({ doc: 'json-stream (objects back to back) or length-prefixed (4-byte big-endian length)' })
  @IsIn(FRAMINGS)
  framing: Framing = 'json-stream';

  @Key({ doc: 'largest SIPSVC message; a bigger one is answered result 1 and closed' })
  @IsInt()
  @Min(64)
  @Max(16 * 1024 * 1024)
  maxMessageBytes = 65536;

  @Key({ doc: 'authenticated SIPSVC connections at once', hot: true })
  @IsInt()
  @Min(1)
  maxConnections = 100;

  @Key({ doc: 'connections not yet authenticated, in all; one more is closed at once' })
  @IsInt()
  @Min(1)
  maxPendingConnections = 1000;

  @Key({ doc: 'connections not yet authenticated from one source address' })
  @IsInt()
  @Min(1)
  maxPendingPerIp = 100;

  @Key({ doc: 'a connection not authenticated within this is closed', ms: true, hot: true })
  @Min(1)
  authTimeout = 5000;

  @Key({ doc: 'a connection with no message for this long is closed', ms: true, hot: true })
  @Min(1)
  idleTimeout = 60000;

  @Key({ doc: 'longest life of an authenticated connection', ms: true, hot: true })
  @Min(1)
  connectionTimeout = 7200000;

  @Key({ doc: 'TLS on the SIPSVC port (both framings inside it)', section: () => TlsConfig })
  tls = new TlsConfig();
}

export class TcpConfig {
  @Key({ doc: 'SIPSVC listener', section: () => TcpServerConfig }) server = new TcpServerConfig();
}

export class AllowedClientConfig {
  @Key({ doc: 'exact IPv4/IPv6 address, `*`, or a CIDR block' })
  @IsString()
  @MinLength(1)
  ip!: string;
  @Key({ doc: 'MAC address (any case) or `*`' }) @IsString() @MinLength(1) mac!: string;

  @Key({ doc: 'the plain key the client sends Base64-encoded, or `*`', secret: true })
  @IsString()
  @MinLength(1)
  authKey!: string;

  @Key({ doc: 'a file holding auth-key (trailing newline removed), instead of auth-key' })
  @IsOptional()
  @IsString()
  authKeyFile?: string;

  @Key({ doc: 'free text for the operator' }) @IsOptional() @IsString() description?: string;

  @Key({
    doc: "with tcp.server.tls.require-client-cert: this entry authenticates only when the client certificate's subject CN is this",
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  certCn?: string;
}

export class SecurityConfig {
  @Key({ doc: 'the TCP peer address must equal the ipAddr the client sends in auth', hot: true })
  @IsBoolean()
  verifyPeerAddress = false;

  @Key({
    doc: 'when set, admin routes (not /health, /metrics) need `Authorization: Bearer <token>`',
    secret: true,
    hot: true,
  })
  @IsString()
  adminToken = '';

  @Key({
    doc: 'a file holding admin-token (trailing newline removed), re-read on reload',
    hot: true,
  })
  @IsString()
  adminTokenFile = '';

  @Key({
    doc: 'SIPSVC clients allowed to authenticate',
    hot: true,
    items: () => AllowedClientConfig,
    example: [
      {
        ip: '127.0.0.1',
        mac: '000000000001',
        authKey: 'TEST_AUTH_KEY_001',
        description: 'Test Client 1',
      },
    ],
  })
  @IsArray()
  allowedClients: AllowedClientConfig[] = [];

  @Key({ doc: 'failed SIPSVC auths per source address', section: () => AuthFailureConfig })
  authFailure = new AuthFailureConfig();
}

export class QueueConfig {
  @Key({ doc: 'messages the queue holds; beyond, result 18 (or the answer is dropped)' })
  @IsInt()
  @Min(1)
  capacity = 5000;

  @Key({ doc: 'parallel drains of the queue' }) @IsInt() @Min(1) @Max(1024) threadCount = 2;
}

export class SipsvcConfig {
  @Key({ doc: 'SIPSVC receive queue', section: () => QueueConfig }) recvQueue = new QueueConfig();
}
