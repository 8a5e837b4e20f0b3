/**
 * The typed configuration of the gateway: one class per YAML section, validated with
 * class-validator, each key described by `@Key` (config-key.ts). Property names are the
 * camelCase forms of the YAML's kebab-case keys (`max-connections` → `maxConnections`);
 * error messages name the YAML key. The initialisers are the defaults; the shipped
 * `config/insupclient.yaml` and `docs/configuration.md` are generated from these classes
 * (`npm run config:docs`).
 */
import { Key } from './config-key';
import {
  ApplicationConfig,
  HttpServerConfig,
  LoggingConfig,
  OamConfig,
} from './schema/application.schema';
import { InsupcConfig, MessageConfig, TpsConfig, WorkerConfig } from './schema/insupc.schema';
import { SegwConfig } from './schema/segw.schema';
import { SecurityConfig, SipsvcConfig, TcpConfig } from './schema/sipsvc.schema';

export * from './schema/application.schema';
export * from './schema/insupc.schema';
export * from './schema/segw.schema';
export * from './schema/sipsvc.schema';
export * from './schema/tls.schema';

export class AppConfig {
  @Key({ doc: 'service identity, statistics, shutdown', section: () => ApplicationConfig })
  application = new ApplicationConfig();

  @Key({ doc: 'admin HTTP API, health, metrics', section: () => HttpServerConfig })
  server = new HttpServerConfig();

  @Key({ doc: 'SIPSVC JSON/TCP listener', section: () => TcpConfig }) tcp = new TcpConfig();
  @Key({ doc: 'SIPSVC authentication, admin token', section: () => SecurityConfig })
  security = new SecurityConfig();

  @Key({ doc: 'SIPSVC receive queue', section: () => SipsvcConfig }) sipsvc = new SipsvcConfig();
  @Key({ doc: 'INSUPC servers and transport', section: () => InsupcConfig }) insupc =
    new InsupcConfig();
  @Key({ doc: 'execute worker queue', section: () => WorkerConfig }) worker = new WorkerConfig();
  @Key({ doc: 'execute rate limit', section: () => TpsConfig }) tps = new TpsConfig();
  @Key({ doc: 'execute sessions', section: () => MessageConfig }) message = new MessageConfig();
  @Key({ doc: 'service state (OAM)', section: () => OamConfig }) oam = new OamConfig();
  @Key({ doc: 'logs', section: () => LoggingConfig }) logging = new LoggingConfig();
  @Key({ doc: 'IPsec SEGW failover through strongSwan VICI', section: () => SegwConfig })
  segw = new SegwConfig();
}
