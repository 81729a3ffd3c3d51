// The sidebar's describer tables (views/describe/*.ts) and the one MMPFN field list (present/pfn.ts),
// in plain Node: every node kind has its describer (none falls through to the "unknown" row), a kind
// name leads to one describer, and the PFN tooltip and the `dt nt!_MMPFN` document show the same
// fields in the same order with the same values; the page-list counts agree with the engine's lists.
import { describe, expect, it } from 'vitest';
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE } from '../../src/engine';
import { dtFields } from '../../src/extension/documents/layout';
import { plainLocalizer as l10n } from '../../src/extension/present/localizer';
import { availablePageCount, listPageCount, PAGE_LISTS, pagesOnLists, standbyPageCount } from '../../src/extension/present/names';
import { pfnFields } from '../../src/extension/present/pfn';
import { jobRows } from '../../src/extension/views/describe/jobs';
import { memoryRows } from '../../src/extension/views/describe/physicalMemory';
import { processRows } from '../../src/extension/views/describe/processes';
import { sectionRows } from '../../src/extension/views/describe/sections';
import { PhysicalMemoryModel, tooltipText, type TreeNode } from '../../src/extension/views/model';
import { NODE_KINDS } from '../../src/extension/views/row';

const tables = { processRows, memoryRows, sectionRows, jobRows };

describe('describer tables', () => {
  it('every node kind has a describer, and only range (paged in three views) has more than one', () => {
    for (const kind of NODE_KINDS) {
      const holders = Object.entries(tables).filter(([, t]) => Object.prototype.hasOwnProperty.call(t, kind)).map(([name]) => name);
      if (kind === 'range') expect(holders.sort()).toEqual(['memoryRows', 'processRows', 'sectionRows']);
      else expect(holders, kind).toHaveLength(1);
    }
    const described = new Set(Object.values(tables).flatMap((t) => Object.keys(t)));
    expect([...described].filter((k) => !(NODE_KINDS as readonly string[]).includes(k))).toEqual([]);
  });
});

describe('one MMPFN field list', () => {
  it('the PFN tooltip and dt nt!_MMPFN show the same fields, in the same order, with the same values', () => {
    const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const pid = system.processIds.find((p) => system.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const api = system.win32(pid);
    const va = api.VirtualAlloc(0n, 0x1000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    api.WriteMemory(va, new Uint8Array([1]));
    const pfn = system.walkAddress(pid, va).pfn!;
    const info = system.queryPfn(pfn);
    expect(info.State).not.toBe('Zeroed');

    const fields = pfnFields(info);
    const dt = dtFields(system, { kind: 'pfn', pfn })!;
    expect(dt.map((f) => f.name)).toEqual(fields.map((f) => f.name));

    const m = new PhysicalMemoryModel(l10n);
    m.setSystem(system, false);
    // An active page has no row under a list (find() leads to Active); its row is drawn the same way wherever it shows.
    const node: TreeNode = { id: `pfn:${pfn}`, kind: 'pfn', parent: undefined, pfn };
    const rows = tooltipText(m.describe(node)).split('\n').filter((l) => /^\| [\w.]+ \|/.test(l)).map((l) => l.split(' | ').map((c) => c.replace(/^\| |`| \|$/g, '')));
    expect(rows.map((r) => r[0])).toEqual(fields.map((f) => f.name));
    // Same values in both renderings: parse them back as numbers (dt prints hex, pointers in WinDbg form).
    const parse = (v: string): string => (/^-?\d+$/.test(v) ? BigInt(v).toString() : /^(0x)?[0-9a-f`]+$/i.test(v) ? BigInt('0x' + v.replace(/^0x|`/g, '')).toString() : v);
    for (const [i, f] of fields.entries()) {
      expect(parse(rows[i]![1]!), f.name).toBe(parse(dt[i]!.value));
    }
    expect(rows.find((r) => r[0] === 'u3.e1.PageLocation')![1]).toBe(info.State);
    expect(rows.find((r) => r[0] === 'u2.ShareCount')![1]).toBe(String(info.ShareCount));
  });
});

describe('page-list counts', () => {
  it('count each list as the engine lists it; available and on-list totals add up', () => {
    const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const info = system.querySystemMemoryListInformation();
    for (const list of PAGE_LISTS) expect(listPageCount(info, list), list).toBe(system.listPages(list, 0, Infinity).length);
    for (let p = 0; p < 8; p++) expect(listPageCount(info, 'Standby', p)).toBe(system.listPages('Standby', 0, Infinity, p).length);
    expect(standbyPageCount(info)).toBe(listPageCount(info, 'Standby'));
    expect(availablePageCount(info)).toBe(info.ZeroPageCount + info.FreePageCount + standbyPageCount(info));
    expect(pagesOnLists(info)).toBe(PAGE_LISTS.reduce((n, l) => n + system.listPages(l, 0, Infinity).length, 0));
    expect(pagesOnLists(info)).toBeLessThan(system.physicalPageCount);
  });
});
