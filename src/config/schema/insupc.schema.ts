import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  type ValidationArguments,
} from 'class-validator';
import { LOGON_FIELD_SIZE } from '../../../libs/insupc-protocol/src/constants';
import { Key } from '../config-key';
import { MaxUtf8Bytes } from '../max-bytes';
import { QueueConfig } from './sipsvc.schema';

export class InsupcLogonConfig {
  @Key({ doc: 'logon id sent in DB_LOGON_INFO (at most 16 bytes)' })
  @IsString()
  @MinLength(1)
  @MaxUtf8Bytes(LOGON_FIELD_SIZE, 'DB_LOGON_INFO LOGON_ID')
  logonId = 'insupclient';

  @Key({ doc: 'logon password sent in DB_LOGON_INFO (at most 16 bytes)', secret: true })
  @IsString()
  @MaxUtf8Bytes(LOGON_FIELD_SIZE, 'DB_LOGON_INFO PASSWORD')
  password = '';

  @Key({ doc: 'a file holding password (trailing newline removed), instead of password' })
  @IsString()
  passwordFile = '';
}

export class InsupcClientConfig {
  @Key({ doc: 'server name: statistics, /state, logs (unique)' })
  @IsString()
  @MinLength(1)
  name!: string;
  @Key({ doc: 'server address' }) @IsString() @MinLength(1) host!: string;
  @Key({ doc: 'server port' }) @IsInt() @Min(1) @Max(65535) port!: number;

  @Key({ doc: 'logged-on TCP connections to this server' })
  @IsInt()
  @Min(1)
  @Max(1024)
  connectionPoolSize = 1;

  @Key({ doc: 'TCP connect attempt bound', ms: true }) @Min(1) connectTimeout = 3000;

  @Key({
    doc: 'no frame at all for this long closes the connection; above heartbeat-interval',
    ms: true,
  })
  @Min(1)
  readTimeout = 30000;

  @Key({ doc: 'wait between reconnect attempts (reconnects never stop)', ms: true })
  @Min(1)
  retryInterval = 1000;

  @Key({ doc: 'DB_NETTEST_REQUEST period on a logged-on connection', ms: true })
  @Min(1)
  heartbeatInterval = 10000;

  @Key({ doc: 'a heartbeat unanswered within this is a miss', ms: true }) @Min(1) heartbeatTimeout =
    5000;

  @Key({ doc: 'misses in a row that close the connection' }) @IsInt() @Min(1) heartbeatMaxMisses =
    3;

  @Key({
    doc: 'the managed SEGW connection (a key of segw.connections) this server is reached through',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  segwConnection?: string;
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

export const BALANCING = ['least-outstanding', 'round-robin'] as const;
export type Balancing = (typeof BALANCING)[number];

export class OutlierDetectionConfig {
  @Key({ doc: 'eject servers whose queries keep failing (operations spec section 7)' })
  @IsBoolean()
  enabled = true;

  @Key({
    doc: 'query timeouts (6) or connection losses with a query in flight (9), in a row on one server, that eject it',
  })
  @IsInt()
  @Min(1)
  consecutiveFailures = 5;

  @Key({ doc: 'the n-th ejection of one server lasts n times this', ms: true })
  @Min(1)
  baseEjectionTime = 30000;

  @Key({ doc: 'longest ejection', ms: true }) @Min(1) maxEjectionTime = 300000;

  @Key({
    doc: 'most servers ejected at once, in percent of insupc.clients; one may always be ejected',
  })
  @IsInt()
  @Min(0)
  @Max(100)
  maxEjectionPercent = 50;
}

export class RetryConfig {
  @Key({
    doc: 'read-only API names retried once on another server when their query was lost with its connection',
  })
  @IsArray()
  @IsString({ each: true })
  apiNames: string[] = [];
}

export class InsupcConfig {
  @Key({ doc: 'AS_ID sent in every INSUPC header' }) @IsInt() @Min(0) @Max(65535) asId = 100;

  @Key({ doc: 'largest INSUPC frame accepted; a bigger one closes the connection' })
  @IsInt()
  @Min(62)
  maxFrameBytes = 1048576;

  @Key({ doc: 'INSUPC logon', section: () => InsupcLogonConfig }) logon = new InsupcLogonConfig();

  @Key({ doc: 'INSUPC answers waiting to become replies', section: () => QueueConfig })
  recvQueue = new QueueConfig();

  @Key({
    doc: 'choice among the routable servers of the best DB_STATUS tier: least-outstanding (fewest queries in flight, ties round robin) or round-robin (the original)',
  })
  @IsIn(BALANCING)
  balancing: Balancing = 'least-outstanding';

  @Key({ doc: 'ejection of servers that fail queries', section: () => OutlierDetectionConfig })
  outlierDetection = new OutlierDetectionConfig();

  @Key({ doc: 'retry of read-only APIs', section: () => RetryConfig }) retry = new RetryConfig();

  @Key({
    doc: 'the INSUPC servers; at least one',
    items: () => InsupcClientConfig,
    example: [{ name: 'INSUPC-1', host: '127.0.0.1', port: 19000 }],
  })
  @IsArray()
  @ArrayNotEmpty({ message: 'insupc.clients must list at least one INSUPC server' })
  @ArrayUnique((c: InsupcClientConfig) => c?.name, { message: duplicateClientNames })
  clients: InsupcClientConfig[] = [];
}

export class WorkerConfig {
  @Key({ doc: 'executes waiting for an INSUPC query slot; beyond, result 18' })
  @IsInt()
  @Min(1)
  queueCapacity = 10000;

  @Key({
    doc: 'INSUPC queries in flight at once to each INSUPC server (a hung server uses up only its own)',
  })
  @IsInt()
  @Min(1)
  concurrency = 64;
}

export class TpsConfig {
  @Key({ doc: 'executes admitted per window; beyond, result 4', hot: true })
  @IsInt()
  @Min(1)
  maxTps = 1000;

  @Key({ doc: 'TPS window length', ms: true, hot: true }) @Min(1) windowSize = 1000;
}

export class MessageConfig {
  @Key({
    doc: 'execute sessions open at once (queued or awaiting INSUPC); beyond, result 18',
    hot: true,
  })
  @IsInt()
  @Min(1)
  maxSessions = 10000;

  @Key({ doc: 'an execute unanswered this long is answered result 6', ms: true, hot: true })
  @Min(1)
  sessionTimeout = 30000;
}
