import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Min,
} from 'class-validator';
import { Key } from '../config-key';

export class SegwPolicyConfig {
  @Key({ doc: 'consecutive failed switches before the connection is FAILED' })
  @Min(1)
  @IsInt()
  maxRetries = 5;

  @Key({ doc: 'wait before the second consecutive retry', ms: true }) @Min(0) backoffBase = 1000;
  @Key({ doc: 'growth of the wait per further retry', type: 'number ≥ 1' })
  @Min(1)
  backoffMultiplier = 2;

  @Key({ doc: 'cap of the wait; also the FAILED retry and failback probe period', ms: true })
  @Min(0)
  backoffMax = 30000;

  @Key({ doc: 'none, or primary: move back to the first address once it answers a probe' })
  @IsIn(['none', 'primary'])
  failback: 'none' | 'primary' = 'none';

  @Key({ doc: 'an initiate not established within this has failed', ms: true })
  @Min(1)
  initiateTimeout = 5000;

  @Key({ doc: 'bound of an IKE-only probe of a SEGW', ms: true }) @Min(1) probeTimeout = 1500;

  @Key({ doc: 'probe the current SEGW when every INSUPC server behind it is lost' })
  @IsBoolean()
  insupcLossProbe = true;
}

export class SegwSecretConfig {
  @Key({ doc: 'swanctl secret type (ike, eap, ...)' }) @IsString() type!: string;
  @Key({ doc: 'identity the secret belongs to' }) @IsOptional() @IsString() id?: string;
  @Key({ doc: 'the secret', secret: true }) @IsString() secret!: string;
  @Key({ doc: 'a file holding the secret (trailing newline removed), instead of secret' })
  @IsOptional()
  @IsString()
  secretFile?: string;
}

export class SegwConfig {
  @Key({ doc: 'drive charon over VICI for SEGW failover' }) @IsBoolean() enabled = false;

  @Key({ doc: "charon's VICI unix socket" })
  @IsString()
  @Matches(/^\S+$/)
  viciSocket = '/var/run/charon.vici';

  @Key({ doc: 'failover policy', section: () => SegwPolicyConfig }) policy = new SegwPolicyConfig();

  @Key({
    doc: 'failover history, written after each entry and reloaded at start-up ("" = memory only)',
  })
  @IsString()
  historyFile = 'data/segw-history.json';

  @Key({
    doc: 'history entries older than this are dropped, at start and hourly (also past the last 1000); takes days too (7d)',
    ms: true,
    example: '7d',
  })
  @Min(1)
  historyMaxAge = 7 * 86_400_000;

  @Key({
    doc: 'managed connections, swanctl.conf style, passed to charon as written (see docs/segw.md)',
    verbatim: true,
    type: 'map',
  })
  @IsObject()
  connections: Record<string, Record<string, unknown>> = {};

  @Key({ doc: 'secrets loaded into charon', items: () => SegwSecretConfig })
  @IsArray()
  secrets: SegwSecretConfig[] = [];
}
