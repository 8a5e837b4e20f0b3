import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { loadConfigFile } from '../config/config.loader';
import { AppConfig } from '../config/config.schema';
import { FileStore } from '../common/io/file-store';
import { cleanLeftoverTemps } from '../common/io/leftover-temps';
import { applyHotReload, ReloadOutcome } from './config-reload';
import { OamFileError, parseOamFile, withAppState } from './oam-file';
import { CONFIG_FILE_PATH } from '../config/config-file-path';
import { CERTIFICATES, CertificateSource } from '../contracts/certificates';
import { ServiceState, ServiceStateService } from './service-state.service';

export interface ReloadResult extends ReloadOutcome {
  state: ServiceState;
  /** false when the gateway was not started from a config file (only the OAM file). */
  configReloaded: boolean;
}

/** Loads a config file; a seam so the reload logic is unit-testable without files. */
export type ConfigFileLoader = (path: string) => AppConfig;
export const CONFIG_FILE_LOADER = Symbol('CONFIG_FILE_LOADER');

/**
 * The OAM side of the service state (operations spec section 2): the initial state from
 * the OAM file, operator changes written back to it (other keys kept, atomic write), and
 * the reload action (OAM file + hot-reloadable config keys). A missing or malformed file
 * is reported and never replaced with defaults.
 */
/** Operator changes being written back to the OAM file: started in all, and not yet settled. */
export interface OamWriteBacks {
  started: number;
  pending: number;
}

@Injectable()
export class OamService implements OnModuleInit {
  private readonly log = new Logger('Oam');
  /** serialises read-modify-write cycles of the OAM file. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    private readonly state: ServiceStateService,
    private readonly files: FileStore,
    @Optional() @Inject(CONFIG_FILE_PATH) private readonly configPath?: string,
    @Optional()
    @Inject(CONFIG_FILE_LOADER)
    private readonly loadConfig: ConfigFileLoader = loadConfigFile,
    @Optional() @Inject(CERTIFICATES) private readonly certificates?: CertificateSource,
  ) {}

  private get oamPath(): string {
    return this.config.oam.config.path;
  }

  async onModuleInit(): Promise<void> {
    await cleanLeftoverTemps(this.files, this.oamPath, this.log);
    try {
      const loaded = await this.readOamFile();
      if (loaded === undefined) {
        this.log.warn(`OAM file ${this.oamPath} not found; service state RUNNING`);
        return;
      }
      this.state.set(loaded.state);
      this.log.log(`Service state ${loaded.state} (from OAM file ${this.oamPath})`);
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
    this.writeBacks.started++;
    this.writeBacks.pending++;
    const write = this.writing.then(() => this.writeState(next));
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
    const fresh = this.configPath ? this.loadConfig(this.configPath) : undefined;

    const previous = this.state.state;
    this.state.set(loaded.state);
    const outcome = fresh
      ? applyHotReload(this.config, fresh)
      : { applied: [], restartRequired: [] };
    this.log.log(
      `Configuration reloaded: state ${previous} -> ${loaded.state}` +
        `, applied [${outcome.applied.join(', ')}]` +
        (outcome.restartRequired.length
          ? `, restart needed for [${outcome.restartRequired.join(', ')}]`
          : ''),
    );
    await this.certificates?.reloadCertificates('config reload');
    return { state: loaded.state, configReloaded: fresh !== undefined, ...outcome };
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

  private async writeState(next: ServiceState): Promise<void> {
    const loaded = await this.readOamFile();
    const doc = withAppState(loaded?.doc ?? {}, next);
    try {
      await this.files.writeAtomic(this.oamPath, `${JSON.stringify(doc, null, 2)}\n`);
    } catch (e) {
      throw new OamFileError(this.oamPath, `not written (${(e as Error).message})`);
    }
  }
}
