// The trust boundary of the stepping panels: every message from a webview, every restored panel
// state and every open-command argument passes a guard before use. These pin the guards down with
// the inputs a broken or hostile webview could send: null, wrong types, missing fields, huge numbers,
// unknown types, extra fields.
import { describe, expect, it } from 'vitest';
import {
  isChangeRef, isHex, isPageFaultState, isProcessCreationState, isWebviewToHostMessage, MAX_SEQ,
  parseOpenPageFaultArgs, parseOpenProcessCreationArgs,
} from '../../src/shared/guards';
import { MAX_SLICE, type WebviewToHostMessage } from '../../src/shared/protocol';

/** One valid example of every webview -> host message. */
const VALID: WebviewToHostMessage[] = [
  { type: 'ready' },
  { type: 'goto', index: 3 },
  { type: 'present' },
  { type: 'reveal', ref: { type: 'pte', pid: 1234, va: '0x7ff612340000' } },
  { type: 'setSpeed', speedMs: 500 },
  { type: 'request', requestId: 1, method: 'getCreationSteps', params: { flowStart: 10, start: 0, end: 100 } },
  { type: 'request', requestId: 2, method: 'listCreations', params: { start: 0, count: 200 } },
  { type: 'selectCreation', flowStart: 10 },
  { type: 'runCreateProcess', imagePath: 'C:\\Windows\\System32\\notepad.exe' },
  { type: 'request', requestId: 3, method: 'listFaults', params: { filter: 'transition', start: 0, count: 50 } },
  { type: 'selectFault', seq: 99 },
  { type: 'adjacentFault', direction: 'next' },
  { type: 'setFilter', filter: 'all' },
  { type: 'setFollow', follow: true },
  { type: 'causeFault', kind: 'pageFile' },
  { type: 'request', requestId: 4, method: 'walkAddress', params: { pid: 4, va: '0xfffff68000000000' } },
];

/** The message with one field removed, at the top level or inside `params`. */
function withoutField(m: WebviewToHostMessage): Array<[string, Record<string, unknown>]> {
  const out: Array<[string, Record<string, unknown>]> = [];
  for (const key of Object.keys(m).filter((k) => k !== 'type')) {
    const broken: Record<string, unknown> = { ...m };
    delete broken[key];
    out.push([key, broken]);
  }
  if (m.type === 'request') {
    for (const key of Object.keys(m.params)) {
      const params: Record<string, unknown> = { ...m.params };
      delete params[key];
      out.push([`params.${key}`, { ...m, params }]);
    }
  }
  return out;
}

const req = (method: string, params: unknown, requestId: unknown = 1): unknown => ({ type: 'request', requestId, method, params });

describe('isWebviewToHostMessage', () => {
  it.each(VALID.map((m) => [m.type === 'request' ? m.method : m.type, m] as const))('accepts a well-formed %s', (_type, m) => {
    expect(isWebviewToHostMessage(m)).toBe(true);
    expect(isWebviewToHostMessage(JSON.parse(JSON.stringify(m)))).toBe(true);
  });

  it('rejects non-objects and objects without a string type', () => {
    for (const v of [null, undefined, 0, 'ready', true, [], [{ type: 'ready' }], {}, { type: 42 }, { type: null }, { kind: 'ready' }]) {
      expect(isWebviewToHostMessage(v), JSON.stringify(v)).toBe(false);
    }
  });

  it('rejects unknown message types, including prototype keys', () => {
    for (const type of ['hello', 'READY', 'eval', '__proto__', 'constructor', 'toString', 'pcSnapshot', 'reply', '']) {
      expect(isWebviewToHostMessage({ type }), type).toBe(false);
    }
    for (const method of ['hello', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
      expect(isWebviewToHostMessage(req(method, {})), method).toBe(false);
    }
  });

  it('rejects requests without a usable id or params object', () => {
    for (const id of [-1, 1.5, '1', null, 2 ** 31]) expect(isWebviewToHostMessage(req('listCreations', { start: 0, count: 1 }, id)), String(id)).toBe(false);
    for (const params of [null, 'x', [], 7]) expect(isWebviewToHostMessage(req('listCreations', params)), JSON.stringify(params)).toBe(false);
  });

  it('rejects every message with a required field missing', () => {
    for (const m of VALID) {
      for (const [key, broken] of withoutField(m)) expect(isWebviewToHostMessage(broken), `${m.type} without ${key}`).toBe(false);
    }
  });

  it('rejects wrong field types', () => {
    expect(isWebviewToHostMessage({ type: 'goto', index: '3' })).toBe(false);
    expect(isWebviewToHostMessage({ type: 'goto', index: null })).toBe(false);
    expect(isWebviewToHostMessage({ type: 'setFollow', follow: 'yes' })).toBe(false);
    expect(isWebviewToHostMessage({ type: 'selectFault', seq: [1] })).toBe(false);
    expect(isWebviewToHostMessage(req('walkAddress', { pid: 4, va: 12345 }))).toBe(false);
    expect(isWebviewToHostMessage(req('walkAddress', { pid: 4, va: '12345' }))).toBe(false);
    expect(isWebviewToHostMessage({ type: 'reveal', ref: 'process' })).toBe(false);
    expect(isWebviewToHostMessage({ type: 'adjacentFault', direction: 'up' })).toBe(false);
    expect(isWebviewToHostMessage({ type: 'setSpeed', speedMs: 1 })).toBe(false);
    expect(isWebviewToHostMessage({ type: 'causeFault', kind: 'pageTable' })).toBe(false);
    expect(isWebviewToHostMessage({ type: 'setFilter', filter: 'everything' })).toBe(false);
  });

  it('rejects huge, negative, fractional and non-finite numbers', () => {
    for (const n of [-1, 1.5, NaN, Infinity, -Infinity, MAX_SEQ + 1, 2 ** 53, Number.MAX_VALUE]) {
      expect(isWebviewToHostMessage({ type: 'goto', index: n }), String(n)).toBe(false);
      expect(isWebviewToHostMessage({ type: 'selectFault', seq: n }), String(n)).toBe(false);
    }
    expect(isWebviewToHostMessage({ type: 'goto', index: MAX_SEQ })).toBe(true);
    expect(isWebviewToHostMessage(req('walkAddress', { pid: 2 ** 40, va: '0x0' }))).toBe(false);
  });

  it('bounds slices: no reversed ranges and no more than MAX_SLICE at once', () => {
    expect(isWebviewToHostMessage(req('getCreationSteps', { flowStart: 0, start: 10, end: 5 }))).toBe(false);
    expect(isWebviewToHostMessage(req('getCreationSteps', { flowStart: 0, start: 0, end: MAX_SLICE + 1 }))).toBe(false);
    expect(isWebviewToHostMessage(req('listFaults', { filter: 'all', start: 0, count: MAX_SLICE + 1 }))).toBe(false);
    expect(isWebviewToHostMessage(req('listCreations', { start: 0, count: 0 }))).toBe(false);
  });

  it('rejects image paths that are empty, too long or carry control characters', () => {
    for (const imagePath of ['', '   ', 'a'.repeat(261), 'C:\\a\u0000b.exe', 'x\ny', 42, null]) {
      expect(isWebviewToHostMessage({ type: 'runCreateProcess', imagePath }), JSON.stringify(imagePath)).toBe(false);
    }
  });
});

describe('isChangeRef and isHex', () => {
  it('accepts the ChangeRef shapes ntlab.reveal takes, and nothing else', () => {
    expect(isChangeRef({ type: 'process', pid: 4 })).toBe(true);
    expect(isChangeRef({ type: 'pfn', id: 0x1a2b })).toBe(true);
    expect(isChangeRef({ type: 'wsle', pid: 4, va: '0x10000' })).toBe(true);
    expect(isChangeRef({ type: 'job', id: 1 })).toBe(true);
    expect(isChangeRef({ type: 'file', id: 7 })).toBe(true);
    expect(isChangeRef({ type: 'bogus' })).toBe(false);
    expect(isChangeRef({ type: 'toString' })).toBe(false);
    expect(isChangeRef({ type: 'pte', va: 65536 })).toBe(false);
    expect(isChangeRef({ type: 'pte', pid: -4 })).toBe(false);
    expect(isChangeRef({ type: 'process', pid: 4, onclick: 'x' })).toBe(false);
    expect(isChangeRef(null)).toBe(false);
  });

  it('hex is 0x and 1 to 16 hex digits', () => {
    expect(isHex('0x0')).toBe(true);
    expect(isHex('0xFFFFFFFFFFFFFFFF')).toBe(true);
    expect(isHex('0x10000000000000000')).toBe(false);
    expect(isHex('0x')).toBe(false);
    expect(isHex('ffff')).toBe(false);
    expect(isHex('0xg')).toBe(false);
    expect(isHex(0x10)).toBe(false);
  });
});

describe('restored panel state', () => {
  it('accepts what the webviews persist', () => {
    expect(isProcessCreationState({ panel: 'processCreation', flowStart: 40, index: 3, speedMs: 1000 })).toBe(true);
    expect(isPageFaultState({ panel: 'pageFault', seq: -1, phase: 0, filter: 'all', follow: false, speedMs: 250 })).toBe(true);
  });

  it('rejects state of the other panel, missing fields and out-of-range values', () => {
    expect(isProcessCreationState({ panel: 'pageFault', seq: -1, phase: 0, filter: 'all', follow: false, speedMs: 250 })).toBe(false);
    expect(isProcessCreationState({ panel: 'processCreation', flowStart: 40, index: 3 })).toBe(false);
    expect(isProcessCreationState({ panel: 'processCreation', flowStart: -5, index: 3, speedMs: 1000 })).toBe(false);
    expect(isPageFaultState({ panel: 'pageFault', seq: 1e300, phase: 0, filter: 'all', follow: false, speedMs: 250 })).toBe(false);
    expect(isPageFaultState({ panel: 'pageFault', seq: 5, phase: 99, filter: 'all', follow: false, speedMs: 250 })).toBe(false);
    expect(isPageFaultState({ panel: 'pageFault', seq: 5, phase: 0, filter: 'nope', follow: false, speedMs: 250 })).toBe(false);
    for (const v of [null, undefined, 'state', 7, []]) {
      expect(isProcessCreationState(v)).toBe(false);
      expect(isPageFaultState(v)).toBe(false);
    }
  });
});

describe('open-command arguments', () => {
  it('process creation takes nothing or a known stage', () => {
    expect(parseOpenProcessCreationArgs(undefined)).toEqual({});
    expect(parseOpenProcessCreationArgs({ stage: '3B' })).toEqual({ stage: '3B' });
    expect(parseOpenProcessCreationArgs({ stage: '3G' })).toBeUndefined();
    expect(parseOpenProcessCreationArgs({ stage: 3 })).toBeUndefined();
    expect(parseOpenProcessCreationArgs('3B')).toBeUndefined();
  });

  it('page fault takes a known kind, a pid and a hex address', () => {
    expect(parseOpenPageFaultArgs(null)).toEqual({});
    expect(parseOpenPageFaultArgs({ kind: 'transition' })).toEqual({ kind: 'transition' });
    expect(parseOpenPageFaultArgs({ pid: 4, va: '0x1000' })).toEqual({ pid: 4, va: '0x1000' });
    expect(parseOpenPageFaultArgs({ kind: 'soft' })).toBeUndefined();
    expect(parseOpenPageFaultArgs({ va: 4096 })).toBeUndefined();
    expect(parseOpenPageFaultArgs({ pid: 1.5 })).toBeUndefined();
    expect(parseOpenPageFaultArgs([1])).toBeUndefined();
  });
});
