import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from './atomic-file';

describe('FileStore.writeAtomic', () => {
  let dir: string;
  const files = new FileStore();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'insupclient-atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes through a symlink: the link stays, the target gets the text and keeps its mode', async () => {
    mkdirSync(join(dir, 'real'));
    const target = join(dir, 'real', 'stats.json');
    writeFileSync(target, 'old');
    chmodSync(target, 0o640);
    const link = join(dir, 'stats.json');
    symlinkSync(target, link);

    await files.writeAtomic(link, 'new');

    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(['real', 'stats.json']);
    expect(readdirSync(join(dir, 'real'))).toEqual(['stats.json']);
  });

  it('keeps the mode of a plain file it replaces', async () => {
    const path = join(dir, 'oam.json');
    writeFileSync(path, '{}');
    chmodSync(path, 0o600);
    await files.writeAtomic(path, '{"a":1}');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}');
  });

  it('creates a missing file and its directory', async () => {
    const path = join(dir, 'a', 'b', 'stats.json');
    await files.writeAtomic(path, 'x');
    expect(readFileSync(path, 'utf8')).toBe('x');
  });

  it('leaves no temp file behind when the rename fails', async () => {
    const path = join(dir, 'is-a-dir');
    mkdirSync(join(path, 'child'), { recursive: true });
    await expect(files.writeAtomic(path, 'x')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['is-a-dir']);
  });

  it('reads a file, or undefined when it does not exist', async () => {
    const path = join(dir, 'f');
    expect(await files.read(path)).toBeUndefined();
    writeFileSync(path, 'text');
    expect(await files.read(path)).toBe('text');
  });
});

describe('FileStore.removeLeftoverTemps (issue 14: temps a kill -9 left behind)', () => {
  let dir: string;
  const files = new FileStore();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'insupclient-leftover-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("removes other processes' temps of that file only", async () => {
    const target = join(dir, 'stats.json');
    writeFileSync(target, '{}');
    const names = [
      'stats.json.999999.1.tmp', // a killed writer's
      'stats.json.12.40.tmp',
      `stats.json.${process.pid}.7.tmp`, // this process's, possibly in flight
      'stats.json.bak',
      'other.json.999999.1.tmp',
      'stats.json.x.1.tmp',
    ];
    for (const n of names) writeFileSync(join(dir, n), 'partial');
    await expect(files.removeLeftoverTemps(target)).resolves.toEqual(
      expect.arrayContaining(['stats.json.999999.1.tmp', 'stats.json.12.40.tmp']),
    );
    expect(readdirSync(dir).sort()).toEqual(
      [
        'stats.json',
        `stats.json.${process.pid}.7.tmp`,
        'stats.json.bak',
        'other.json.999999.1.tmp',
        'stats.json.x.1.tmp',
      ].sort(),
    );
  });

  it('looks beside the target of a symlink, and a missing directory is no error', async () => {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'oam.json'), '{}');
    writeFileSync(join(dir, 'real', 'oam.json.5.1.tmp'), '{');
    symlinkSync(join(dir, 'real', 'oam.json'), join(dir, 'link.json'));
    await expect(files.removeLeftoverTemps(join(dir, 'link.json'))).resolves.toEqual([
      'oam.json.5.1.tmp',
    ]);
    await expect(files.removeLeftoverTemps(join(dir, 'none', 'x.json'))).resolves.toEqual([]);
  });
});
