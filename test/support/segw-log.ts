/**
 * The gateway's JSON log file (`logging.file`) as the SEGW specs read it: the SEGW lines,
 * and which warnings or errors among them lack their incident code (section 5.2: every SEGW
 * warning and error carries one, as the `code` field and in the text).
 */
import { existsSync, readFileSync } from 'node:fs';
import { SEGW_CODES, SegwCode } from '../../src/segw/segw-incidents';

export interface JsonLogLine {
  level: number;
  context?: string;
  msg: string;
  code?: string;
}

const WARN = 40;

/** Every line of the SEGW feature (contexts Segw|<name>, SegwFailover, SegwVici, SegwHistory). */
export function segwLogLines(path: string): JsonLogLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as JsonLogLine)
    .filter((l) => l.context?.startsWith('Segw'));
}

/** SEGW warnings and errors without a code of the set in the field and the text. */
export function linesWithoutCode(lines: JsonLogLine[]): JsonLogLine[] {
  return lines.filter(
    (l) =>
      l.level >= WARN &&
      !(
        SEGW_CODES.includes(l.code as SegwCode) &&
        (l.msg.includes(`(code ${l.code})`) || l.msg.includes(`, reason ${l.code}, `))
      ),
  );
}
