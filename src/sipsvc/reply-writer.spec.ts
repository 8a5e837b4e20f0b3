import { RawJson } from '../contracts/raw-json';
import { SipsvcRequest } from '../contracts/sipsvc-message';
import { ReplyTarget, ReplyWriter } from './reply-writer';

function target(): ReplyTarget & { lines: string[] } {
  const lines: string[] = [];
  return { closed: false, closing: false, tag: '[t]', lines, writeJson: (j) => lines.push(j) };
}

describe('ReplyWriter', () => {
  it('writes a RawJson data as its text: the bytes a parsed data would give', () => {
    const req = { cmd: 'execute', reqNo: 'R1', seq: 1 } as SipsvcRequest;
    const text = '{"name":"kim","rows":[1,2,{"x":null}]}';
    const reply = { result: 0, resultCode: 0, resultDesc: 'Completed successfully' } as const;
    const raw = target();
    const parsed = target();
    new ReplyWriter().write(raw, req, { ...reply, data: new RawJson(text) });
    new ReplyWriter().write(parsed, req, { ...reply, data: JSON.parse(text) as unknown });
    expect(raw.lines).toEqual(parsed.lines);
    expect(raw.lines[0]).toBe(
      `{"cmd":"execute","reqNo":"R1","seq":1,"result":0,"resultCode":0,"resultDesc":"Completed successfully","data":${text}}`,
    );
  });
});
