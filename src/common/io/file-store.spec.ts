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
