/**
 * The config as @nestjs/config namespaces: one `registerAs` namespace per top-level section
 * of {@link AppConfig}. Providers inject the sections they read,
 * `@Inject(insupcConfig.KEY) insupc: ConfigType<typeof insupcConfig>`, never the whole config.
 *
 * The namespaces declared here give each section its token (`KEY`) and its type; what a
 * token serves is bound per application by {@link bindConfigNamespaces}: the sections of the
 * one config loaded and validated before Nest starts (config.loader.ts). Served as the same
 * objects, not copies, so a hot reload (oam/config-reload.ts), which assigns changed keys
 * inside the sections, reaches every provider and ConfigService.
 */
import { ConfigFactory, ConfigFactoryKeyHost, ConfigService, registerAs } from '@nestjs/config';
import { AppConfig } from './config.schema';

type Section = keyof AppConfig;
type Namespace<K extends Section> = (() => AppConfig[K]) & ConfigFactoryKeyHost<AppConfig[K]>;

function namespace<K extends Section>(key: K): Namespace<K> {
  return registerAs(key, (): AppConfig[K] => {
    throw new Error(
      `config namespace '${key}' is served from the loaded config: import AppConfigModule.forRoot(config)`,
    );
  });
}

export const applicationConfig = namespace('application');
export const serverConfig = namespace('server');
export const tcpConfig = namespace('tcp');
export const securityConfig = namespace('security');
export const sipsvcConfig = namespace('sipsvc');
export const insupcConfig = namespace('insupc');
export const workerConfig = namespace('worker');
export const tpsConfig = namespace('tps');
export const messageConfig = namespace('message');
export const oamConfig = namespace('oam');
export const loggingConfig = namespace('logging');
export const segwConfig = namespace('segw');

/** Every namespace, by section: the record type makes a new section fail to compile here. */
export const CONFIG_NAMESPACES: { readonly [K in Section]: Namespace<K> } = {
  application: applicationConfig,
  server: serverConfig,
  tcp: tcpConfig,
  security: securityConfig,
  sipsvc: sipsvcConfig,
  insupc: insupcConfig,
  worker: workerConfig,
  tps: tpsConfig,
  message: messageConfig,
  oam: oamConfig,
  logging: loggingConfig,
  segw: segwConfig,
};

const SECTIONS = Object.keys(CONFIG_NAMESPACES) as Section[];

/** ConfigModule's `load`: each namespace serving its section of `config` (the live object). */
export function bindConfigNamespaces(config: AppConfig): ConfigFactory[] {
  return SECTIONS.map((key) => registerAs(key, () => config[key]));
}

/**
 * The whole config as ConfigModule serves it, section objects included: what a reload
 * compares with the file and updates in place.
 */
export function servedConfig(config: ConfigService): AppConfig {
  return Object.fromEntries(SECTIONS.map((key) => [key, config.get(key)])) as unknown as AppConfig;
}
