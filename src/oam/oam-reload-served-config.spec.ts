import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfigModule } from '../config/app-config.module';
import { loadConfigFile } from '../config/config.loader';
import { tpsConfig } from '../config/config-namespaces';
import { OamModule } from './oam.module';
import { OamService } from './oam.service';

@Injectable()
class TpsReader {
  constructor(@Inject(tpsConfig.KEY) readonly tps: ConfigType<typeof tpsConfig>) {}
}

const yaml = (oamPath: string, maxTps: number) => `
insupc:
  clients:
    - { name: A, host: 127.0.0.1, port: 19000 }
oam:
  config:
    path: ${oamPath}
tps:
  max-tps: ${maxTps}
`;

describe('the reload action updates what ConfigModule serves', () => {
  it('a hot key read through an injected namespace has the reloaded value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oam-reload-'));
    const oamPath = join(dir, 'oam.json');
    const configPath = join(dir, 'insupclient.yaml');
    writeFileSync(oamPath, JSON.stringify({ appStates: { insupclient: 'RUNNING' } }));
    writeFileSync(configPath, yaml(oamPath, 100));
    const ref = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(loadConfigFile(configPath, {}), configPath), OamModule],
      providers: [TpsReader],
    }).compile();
    const reader = ref.get(TpsReader);
    expect(reader.tps.maxTps).toBe(100);

    writeFileSync(configPath, yaml(oamPath, 250));
    const outcome = await ref.get(OamService).reload();

    expect(outcome.applied).toContain('tps.max-tps');
    expect(reader.tps.maxTps).toBe(250);
  });
});
