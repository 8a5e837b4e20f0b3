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
import { FileStore } from './file-store';

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

  it('concurrent writes to one file land in the order they were issued (last issued wins)', async () => {
    const path = join(dir, 'stats.json');
    const big = 'x'.repeat(4 * 1024 * 1024);
    await Promise.all([files.writeAtomic(path, big), files.writeAtomic(path, 'final')]);
    expect(readFileSync(path, 'utf8')).toBe('final');
    expect(readdirSync(dir)).toEqual(['stats.json']);
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

  it("removes write-file-atomic's temps of that file only", async () => {
    const target = join(dir, 'stats.json');
    writeFileSync(target, '{}');
    const names = [
      'stats.json.3170471946', // a killed writer's: <file>.<decimal hash>
      'stats.json.42',
      'stats.json.bak',
      'stats.json.1a2b',
      'other.json.3170471946',
    ];
    for (const n of names) writeFileSync(join(dir, n), 'partial');
    const removed = await files.removeLeftoverTemps(target);
    expect(removed.sort()).toEqual(['stats.json.3170471946', 'stats.json.42']);
    expect(readdirSync(dir).sort()).toEqual(
      ['other.json.3170471946', 'stats.json', 'stats.json.1a2b', 'stats.json.bak'].sort(),
    );
  });

  it('recognises the temp names write-file-atomic really uses', async () => {
    const target = join(dir, 'oam.json');
    // what a write leaves when it dies between the temp's write and the rename
    const { _getTmpname } = jest.requireActual<{ _getTmpname(f: string): string }>(
      'write-file-atomic',
    );
    writeFileSync(_getTmpname(target), '{"appSta');
    await expect(files.removeLeftoverTemps(target)).resolves.toHaveLength(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('looks beside the target of a symlink, and a missing directory is no error', async () => {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'oam.json'), '{}');
    writeFileSync(join(dir, 'real', 'oam.json.123456'), '{');
    symlinkSync(join(dir, 'real', 'oam.json'), join(dir, 'link.json'));
    await expect(files.removeLeftoverTemps(join(dir, 'link.json'))).resolves.toEqual([
      'oam.json.123456',
    ]);
    await expect(files.removeLeftoverTemps(join(dir, 'none', 'x.json'))).resolves.toEqual([]);
  });
});
