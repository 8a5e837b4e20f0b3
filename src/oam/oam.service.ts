import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { ConfigError, loadConfigFile } from '../config/config.loader';
import { ConfigService, ConfigType } from '@nestjs/config';
import { insupcConfig, oamConfig, servedConfig } from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { FileStore } from '../common/io/file-store';
import { cleanLeftoverTemps } from '../common/io/leftover-temps';
import { applyHotReload, ReloadOutcome } from './config-reload';
import { DrainedServers } from '../insupc/drained-servers';
import { applyDrainedFromFile } from './drained-from-file';
import { OamDocument, OamFileError, parseOamFile, withAppState, withDrained } from './oam-file';
import { CONFIG_FILE_PATH } from '../config/config-file-path';
import { CERTIFICATES, CertificateSource } from '../contracts/certificates';
import { ServiceState, ServiceStateService } from './service-state.service';

export interface ReloadResult extends ReloadOutcome {
  state: ServiceState;
  /** the INSUPC servers drained now. */
  drainedServers: string[];
  /** false when the gateway was not started from a config file (only the OAM file). */
  configReloaded: boolean;
}

/** Loads a config file; a seam so the reload logic is unit-testable without files. */
export type ConfigFileLoader = (path: string) => AppConfig;

/** A drain or enable of a name that is not in `insupc.clients` (HTTP 404). */
export class UnknownInsupcServerError extends Error {
  constructor(name: string) {
    super(`no INSUPC server '${name}'`);
    this.name = 'UnknownInsupcServerError';
  }
}

/** Operator changes being written back to the OAM file: started in all, and not yet settled. */
export interface OamWriteBacks {
  started: number;
  pending: number;
}

/**
 * The OAM side of the service state (operations spec sections 2 and 7): the initial state and
 * drained INSUPC servers from the OAM file, operator changes written back to it (other keys
 * kept, atomic write), and the reload action (OAM file + hot-reloadable config keys). A
 * missing or malformed file is reported and never replaced with defaults.
 *
 * Replicas may share the file: each write-back re-reads it and changes only its own key
 * under the file's lock (file-lock.ts), so concurrent changes from two processes all land.
 */
@Injectable()
export class OamService implements OnModuleInit {
  private readonly log = new Logger('Oam');
  /** serialises read-modify-write cycles of the OAM file. */
  private writing: Promise<unknown> = Promise.resolve();
  private loadConfig: ConfigFileLoader = loadConfigFile;

  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'oam' | 'insupc'>;

  constructor(
    @Inject(oamConfig.KEY) oam: ConfigType<typeof oamConfig>,
    @Inject(insupcConfig.KEY) insupc: ConfigType<typeof insupcConfig>,
    /** serves every section: a reload compares them all with the file. */
    private readonly served: ConfigService,
    private readonly state: ServiceStateService,
    private readonly files: FileStore,
    private readonly drained: DrainedServers,
    @Optional() @Inject(CONFIG_FILE_PATH) private readonly configPath?: string,
    @Optional() @Inject(CERTIFICATES) private readonly certificates?: CertificateSource,
  ) {
    this.config = { oam, insupc };
  }

  /** Reads config files through `loader` from now on (the seam for specs). */
  useConfigLoader(loader: ConfigFileLoader): void {
    this.loadConfig = loader;
  }

  private get oamPath(): string {
    return this.config.oam.config.path;
  }

  /** names of the configured INSUPC servers (read now: the list is not hot-reloadable). */
  private get servers(): ReadonlySet<string> {
    return new Set(this.config.insupc.clients.map((c) => c.name));
  }

  async onModuleInit(): Promise<void> {
    // under the lock: a temp found then is no live writer's (another replica's) write in flight
    await this.files
      .withLock(this.oamPath, () => cleanLeftoverTemps(this.files, this.oamPath, this.log))
      .catch((e: Error) => this.log.warn(`OAM file ${this.oamPath}: ${e.message}`));
    try {
      const loaded = await this.readOamFile();
      if (loaded === undefined) {
        this.log.warn(`OAM file ${this.oamPath} not found; service state RUNNING`);
        return;
      }
      this.state.set(loaded.state);
      this.log.log(`Service state ${loaded.state} (from OAM file ${this.oamPath})`);
      applyDrainedFromFile(this.drained, this.servers, loaded.drained, this.log);
    } catch (e) {
      this.log.error(`${(e as Error).message}; service state RUNNING, file left as it is`);
    }
  }

  /**
   * Operator change (POST /state, POST /insupclient/v1/status): applies at once, then is
   * written back to the OAM file. Rejects with OamFileError when the file could not be
   * updated (the new state is in force all the same).
   */
  async changeState(next: ServiceState): Promise<void> {
    const previous = this.state.state;
    this.state.set(next);
    if (previous !== next) this.log.log(`Service state changed: ${previous} -> ${next}`);
    await this.writeBack((doc) => withAppState(doc, next));
  }

  /**
   * Operator drain (true) or enable (false) of one INSUPC server (POST
   * /insupc/servers/{name}/actions/drain|enable): applies at once, then is written to the OAM
   * file's `drainedServers`. Rejects with UnknownInsupcServerError for a name not configured
   * (nothing changes), with OamFileError when the file could not be updated (in force all the
   * same, like changeState).
   */
  async setDrained(name: string, drained: boolean): Promise<void> {
    if (!this.servers.has(name)) throw new UnknownInsupcServerError(name);
    const next = new Set(this.drained.list());
    if (drained) next.add(name);
    else next.delete(name);
    if (this.drained.set(next)) {
      this.log.log(`[INSUPC|${name}] ${drained ? 'drained' : 'enabled'} by operator`);
    }
    await this.writeBack((doc) => withDrained(doc, name, drained));
  }

  /** One change to the file, after the ones before it; the watcher skips reads that overlap it. */
  private async writeBack(change: (doc: OamDocument) => OamDocument): Promise<void> {
    this.writeBacks.started++;
    this.writeBacks.pending++;
    const write = this.writing.then(() => this.rewrite(change));
    this.writing = write.catch(() => undefined).finally(() => this.writeBacks.pending--);
    await write;
  }

  /** Write-backs of operator changes, for the file watcher: a read overlapping one is stale. */
  readonly writeBacks: OamWriteBacks = { started: 0, pending: 0 };

  /**
   * POST /insupclient/v1/config/actions/reload. Everything is read and validated before
   * anything is applied, so a bad file leaves the running state and config as they were.
   */
  async reload(): Promise<ReloadResult> {
    const loaded = await this.readOamFile();
    if (loaded === undefined) throw new OamFileError(this.oamPath, 'not found');
    const fresh = this.configPath ? this.loadFreshConfig(this.configPath) : undefined;

    const previous = this.state.state;
    this.state.set(loaded.state);
    applyDrainedFromFile(this.drained, this.servers, loaded.drained, this.log);
    const outcome = fresh
      ? applyHotReload(servedConfig(this.served), fresh)
      : { applied: [], restartRequired: [] };
    this.log.log(
      `Configuration reloaded: state ${previous} -> ${loaded.state}` +
        `, applied [${outcome.applied.join(', ')}]` +
        (outcome.restartRequired.length
          ? `, restart needed for [${outcome.restartRequired.join(', ')}]`
          : ''),
    );
    await this.certificates?.reloadCertificates('config reload');
    return {
      state: loaded.state,
      drainedServers: this.drained.list(),
      configReloaded: fresh !== undefined,
      ...outcome,
    };
  }

  /** The problems only (file, line, column, reason; secrets redacted), then the refusal. */
  private loadFreshConfig(path: string): AppConfig {
    try {
      return this.loadConfig(path);
    } catch (e) {
      if (e instanceof ConfigError) {
        this.log.error(`Configuration reload refused, nothing changed: ${e.problems.join('; ')}`);
      }
      throw e;
    }
  }

  private async readOamFile() {
    let text: string | undefined;
    try {
      text = await this.files.read(this.oamPath);
    } catch (e) {
      throw new OamFileError(this.oamPath, `unreadable (${(e as Error).message})`);
    }
    return text === undefined ? undefined : parseOamFile(this.oamPath, text);
  }

  /** Re-read, change our key, write: under the lock, so another process's change is kept. */
  private async rewrite(change: (doc: OamDocument) => OamDocument): Promise<void> {
    try {
      await this.files.withLock(this.oamPath, async () => {
        const loaded = await this.readOamFile();
        const doc = change(loaded?.doc ?? {});
        await this.files.writeAtomic(this.oamPath, `${JSON.stringify(doc, null, 2)}\n`);
      });
    } catch (e) {
      if (e instanceof OamFileError) throw e;
      throw new OamFileError(this.oamPath, `not written (${(e as Error).message})`);
    }
  }
}
