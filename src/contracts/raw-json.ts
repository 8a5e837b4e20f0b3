/**
 * JSON text that goes into a reply as it is, not parsed and serialised again: an INSUPC
 * SQL_OUTPUT that is already exactly what `JSON.stringify(JSON.parse(text))` would write
 * (see isCanonicalJson). The SIPSVC reply writer splices `text` in; any other serialiser
 * gets the parsed value through `toJSON`.
 */
export class RawJson {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}
