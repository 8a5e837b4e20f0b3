import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { LOGON_FIELD_SIZE } from '../../../libs/insupc-protocol/src/constants';
import { Key } from '../config-key';
import { MaxUtf8Bytes } from '../max-bytes';
import { TlsConfig } from './tls.schema';

export class StateServerConfig {
  @Key({ doc: 'time between statistics snapshots (written to stat-file, POSTed to url)', ms: true })
  @Min(100)
  interval = 60000;

  @Key({ doc: 'statistics survive restarts through this file ("" = not persisted)' })
  @IsString()
  statFile = 'data/stats.json';

  @Key({ doc: 'each snapshot is POSTed here as JSON: an http:// or https:// URL, "" = off' })
  @IsString()
  @ValidateIf((o: StateServerConfig) => o.url !== '')
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'url must be an http:// or https:// URL, or "" for none' },
  )
  url = '';
}

export class ShutdownConfig {
  @Key({
    doc: 'on SIGTERM, how long in-flight executes may finish before closing anyway',
    ms: true,
  })
  @Min(0)
  drainTimeout = 10000;
}

export class ApplicationConfig {
  @Key({ doc: 'service name, reported by GET /insupclient/v1/status' }) @IsString() name =
    'insupclient';
  @Key({ doc: 'service version, reported by the status API' }) @IsString() version = '0.0.1';

  @Key({
    doc: 'system name: the INSUPC logon (DB_LOGON_INFO, at most 16 bytes) and statistics snapshots',
  })
  @IsString()
  @MinLength(1)
  @MaxUtf8Bytes(LOGON_FIELD_SIZE, 'DB_LOGON_INFO SYSTEM_NAME')
  systemName = 'AMAS-SES1';

  @Key({ doc: 'statistics snapshots', section: () => StateServerConfig })
  stateServer = new StateServerConfig();

  @Key({ doc: 'graceful shutdown', section: () => ShutdownConfig })
  shutdown = new ShutdownConfig();
}

export class HttpServerConfig {
  @Key({ doc: 'admin HTTP API, health and metrics: listen address' }) @IsString() host = '0.0.0.0';

  @Key({ doc: 'admin HTTP API, health and metrics: port (0 = any free port)' })
  @IsInt()
  @Min(0)
  @Max(65535)
  port = 15020;

  @Key({
    doc: 'admin HTTP connections open at once; one more is closed at once (the data path keeps its files)',
  })
  @IsInt()
  @Min(1)
  maxConnections = 256;

  @Key({ doc: 'HTTPS on the admin port', section: () => TlsConfig }) tls = new TlsConfig();
}

export class OamFileConfig {
  @Key({ doc: 'OAM state file (service state RUNNING/BLOCKED), written back on a state change' })
  @IsString()
  @MinLength(1)
  path = 'config/oam-conf.json';
}

export class OamConfig {
  @Key({ doc: 'OAM state file', section: () => OamFileConfig }) config = new OamFileConfig();
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class LoggingConfig {
  @Key({ doc: 'log level, any case (INFO = info)' })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  @IsIn(LOG_LEVELS)
  level: LogLevel = 'info';

  @Key({ doc: 'also write the logs to this file; stdout always ("" = stdout only)' })
  @IsString()
  file = '';

  @Key({ doc: 'one line per finished execute in this file ("" = off)' })
  @IsString()
  executeFile = '';

  @Key({
    doc: 'log every INSUPC frame in and out at debug as a decoded tree with its hex (logon password masked)',
    hot: true,
  })
  @IsBoolean()
  insupcFrames = false;
}
