// dt of any type at any address (the simulated bytes, or WinDbg's read error), _LIST_ENTRY links from
// the lists the simulation keeps, !pte on system-space addresses and !memusage's columns, each checked
// against the engine's own queries (queryPool, querySystemAddress, readPhysical, queryProcess,
// describeObject, querySections, queryPrototypePtes, queryPfn).
import { describe, expect, it } from 'vitest';
import { createSystem, describeObject, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, type System } from '../../src/engine';
import { runKd, type KdState } from '../../src/extension/kd/kd';
import { pointer, pointerDigits } from '../../src/extension/present/format';

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';

function lab(): { sys: System; pid: number; run(line: string): string[] } {
  const sys = createSystem({ seed: 1 });
  const { pid } = sys.createProcess({ imagePath: NOTEPAD });
  const state: KdState = { pid };
  return { sys, pid, run: (line) => runKd({ system: sys, live: sys, cursor: undefined }, state, line).lines };
}

/** `name : value` of a dt line. */
function field(out: string[], name: string): string | undefined {
  const line = out.find((x) => new RegExp(`^ +\\+0x[0-9a-f]{3} ${name} +: `).test(x));
  return line?.replace(/^.*? : /, '');
}

const links = (flink: bigint | string, blink: bigint | string): string =>
  `[ ${typeof flink === 'string' ? flink : `0x${pointer(flink)}`} - ${typeof blink === 'string' ? blink : `0x${pointer(blink)}`} ]`;

describe('kd: dt of any type at any address', () => {
  it('reads the type\'s fields from the bytes at a user address, in dt\'s formats', () => {
    const l = lab();
    const k = l.sys.win32(l.pid);
    const base = k.VirtualAlloc(0n, 0x1000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    // _KTHREAD: StackLimit (+0x30, Ptr64), Priority (+0xc3, Char), State (+0x184, UChar).
    const bytes = new Uint8Array(0x200);
    new DataView(bytes.buffer).setBigUint64(0x30, 0xffff8144e0094000n, true);
    bytes[0xc3] = 0xfe;
    bytes[0x184] = 5;
    k.WriteMemory(base, bytes);
    const out = l.run(`dt nt!_KTHREAD ${pointer(base)}`);
    expect(out[0]).toBe('nt!_KTHREAD');
    expect(field(out, 'StackLimit')).toBe('0xffff8144`e0094000 Void');
    expect(field(out, 'Priority')).toBe('0n-2');
    expect(field(out, 'State')).toBe('0x5');
    // A field filter works on memory reads too; an address where nothing is mapped is WinDbg's error.
    expect(l.run(`dt nt!_KTHREAD ${pointer(base)} State`)).toEqual(['nt!_KTHREAD', '   +0x184 State : 0x5']);
    expect(l.run('dt nt!_HANDLE_TABLE 0x10000')).toEqual(['Memory read error 0000000000010000']);
  });

  it('reads pool pages through the system page tables: a pool header\'s bytes as the engine decodes them', () => {
    const l = lab();
    const header = l.sys.queryProcess(l.pid)!.eprocess - 0x40n;
    const page = l.sys.queryPool(header)!;
    expect(page.kind).toBe('small');
    const layout = describeObject(l.sys, { kind: 'POOL_HEADER', address: header })!;
    const ulong1 = BigInt(layout.fields.find((f) => f.name === 'Ulong1')!.value as number);
    const tag = BigInt(layout.fields.find((f) => f.name === 'PoolTag')!.value as number);
    // The first 8 bytes of the header are Ulong1 then PoolTag; dt nt!_LIST_ENTRY reads them as Flink.
    const out = l.run(`dt nt!_LIST_ENTRY ${pointer(header)}`);
    expect(field(out, 'Flink')).toBe(`0x${pointer(ulong1 | (tag << 32n))} _LIST_ENTRY`);
    // And the same bytes through physical memory: the page the system PTE maps.
    const pfn = l.sys.querySystemAddress(header)!.pfn!;
    const phys = new Uint8Array(8);
    l.sys.readPhysical(pfn, Number(header & 0xfffn), phys, 0, 8);
    expect(new DataView(phys.buffer).getBigUint64(0, true)).toBe(ulong1 | (tag << 32n));
  });

  it('bitfields are read from memory in binary, 0y...', () => {
    const l = lab();
    const k = l.sys.win32(l.pid);
    const base = k.VirtualAlloc(0n, 0x1000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    // No pool header starts at a user address: the type is read from the bytes. BlockSize = 0x2a (bits 0-7 of +2), PoolType 3.
    k.WriteMemory(base, new Uint8Array([0x01, 0x00, 0x2a, 0x03]));
    const out = l.run(`dt nt!_POOL_HEADER ${pointer(base)}`);
    expect(field(out, 'PreviousSize')).toBe('0y00000001');
    expect(field(out, 'BlockSize')).toBe('0y00101010');
    expect(field(out, 'PoolType')).toBe('0y00000011');
  });
});

describe('kd: _LIST_ENTRY values from the lists the simulation keeps', () => {
  it('ActiveProcessLinks chain the processes !process 0 0 lists; the ends are PsActiveProcessHead', () => {
    const l = lab();
    const listed = l.sys.processIds.map((p) => l.sys.queryProcess(p)!).filter((p) => !p.creating).map((p) => p.eprocess);
    listed.forEach((ep, i) => {
      const expected = links(listed[i + 1] !== undefined ? listed[i + 1]! + 0x448n : 'nt!PsActiveProcessHead', i > 0 ? listed[i - 1]! + 0x448n : 'nt!PsActiveProcessHead');
      expect(field(l.run(`dt nt!_EPROCESS ${pointer(ep)} ActiveProcessLinks`), 'ActiveProcessLinks')).toBe(expected);
    });
    // dt nt!_LIST_ENTRY at the link itself agrees.
    const mid = listed[2]! + 0x448n;
    const out = l.run(`dt nt!_LIST_ENTRY ${pointer(mid)}`);
    expect(field(out, 'Flink')).toBe(`0x${pointer(listed[3]! + 0x448n)} _LIST_ENTRY`);
    expect(field(out, 'Blink')).toBe(`0x${pointer(listed[1]! + 0x448n)} _LIST_ENTRY`);
  });

  it('following Flink from KPROCESS.ThreadListHead visits every thread\'s KTHREAD.ThreadListEntry and comes back', () => {
    const l = lab();
    const k = l.sys.win32(l.pid);
    for (let i = 0; i < 3; i++) k.CreateThread(0n, 0x1000n, 0n, 0);
    const p = l.sys.queryProcess(l.pid)!;
    const threads = p.threads.filter((t) => t.state !== 'Terminated').map((t) => describeObject(l.sys, { kind: 'ETHREAD', tid: t.tid, pid: l.pid })!.address);
    expect(threads.length).toBe(4);
    const head = p.eprocess + 0x30n;
    const seen: bigint[] = [];
    let at = head;
    for (let i = 0; i < 10; i++) {
      const flink = field(l.run(`dt nt!_LIST_ENTRY ${pointer(at)}`), 'Flink')!;
      at = BigInt('0x' + flink.split(' ')[0]!.slice(2).replace('`', ''));
      if (at === head) break;
      seen.push(at - 0x2f8n);
    }
    expect(seen).toEqual(threads);
    // The ETHREAD list: the last thread's Flink is EPROCESS.ThreadListHead (+0x5e0), the first's Blink too.
    const first = l.run(`dt nt!_ETHREAD ${pointer(threads[0]!)} ThreadListEntry`);
    expect(field(first, 'ThreadListEntry')).toBe(links(threads[1]! + 0x4e8n, p.eprocess + 0x5e0n));
    const last = l.run(`dt nt!_ETHREAD ${pointer(threads[3]!)} ThreadListEntry`);
    expect(field(last, 'ThreadListEntry')).toBe(links(p.eprocess + 0x5e0n, threads[2]! + 0x4e8n));
    expect(field(l.run(`dt nt!_KPROCESS ${pointer(p.eprocess)} ThreadListHead`), 'ThreadListHead')).toBe(links(threads[0]! + 0x2f8n, threads[3]! + 0x2f8n));
  });
});

describe('kd: !pte on system addresses', () => {
  it('a pool address: the PTE read from the pool\'s page table, mapping the page that holds the bytes', () => {
    const l = lab();
    const ep = l.sys.queryProcess(l.pid)!.eprocess;
    const info = l.sys.querySystemAddress(ep)!;
    expect(info.region).toBe('AssignedRegionNonPagedPool');
    expect(info.pfn).not.toBeNull();
    const out = l.run(`!pte ${pointer(ep)}`);
    const addr = l.sys.getPagingStructureAddresses(ep);
    expect(out[0]!.trim()).toBe(`VA ${pointerDigits(ep)}`);
    expect(out[1]).toContain(`PTE at ${pointerDigits(addr.pte).toUpperCase()}`);
    expect(out[2]!.trimEnd().endsWith(`contains ${pointerDigits(info.pte!.value).toUpperCase()}`)).toBe(true);
    expect(out[3]).toMatch(new RegExp(`pfn ${info.tablePfn.toString(16)} +\\(page table\\) +pfn ${info.pfn!.toString(16)} +-G-DA--KW-V$`));
    expect(out[4]).toBe('(NonPagedPool)');
    // The simulated bytes there are the physical page's (db through the system PTE = !db of the frame).
    const virt = l.run(`db ${pointer(ep - 0x40n)} L10`)[0]!.slice(19);
    const phys = l.run(`!db ${((BigInt(info.pfn!) << 12n) + ((ep - 0x40n) & 0xfffn)).toString(16)} L10`)[0]!.replace(/^#?\s*[0-9a-f]+\s+/, '');
    expect(virt.trim()).toBe(phys.trim());
  });

  it('a paged-pool address trimmed from the system working set: the PTE in transition, as for a user page', () => {
    const l = lab();
    const token = describeObject(l.sys, { kind: 'TOKEN', pid: l.pid })!.address;
    expect(l.sys.querySystemAddress(token)!.region).toBe('AssignedRegionPagedPool');
    expect(l.run(`!pte ${pointer(token)}`)[3]).toMatch(/pfn [0-9a-f]+ +-G-DA--KW-V$/);
    l.sys.trimSystemWorkingSet(1_000_000);
    const info = l.sys.querySystemAddress(token)!;
    expect(info.pte!.kind).toBe('transition');
    const out = l.run(`!pte ${pointer(token)}`);
    expect(out[3]!.trimEnd().endsWith('not valid')).toBe(true);
    expect(out[4]!.trim()).toBe(`Transition: ${Number(info.pte!.fields.PageFrameNumber).toString(16)}`);
    expect(out[out.length - 1]).toBe('(PagedPool)');
  });

  it('a kernel stack: its PTEs in use, a guard PTE below; no page behind them (simulation)', () => {
    const l = lab();
    const tid = l.sys.queryProcess(l.pid)!.threads[0]!.tid;
    const kt = describeObject(l.sys, { kind: 'KTHREAD', tid, pid: l.pid })!;
    const limit = kt.fields.find((f) => f.name === 'StackLimit')!.value as bigint;
    const stack = l.run(`!pte ${pointer(limit)}`);
    expect(stack[3]).toMatch(/kernel stack \(in use, no page simulated\)$/);
    expect(stack[4]).toBe('(SystemPtes)');
    expect(l.run(`!pte ${pointer(limit - 0x1000n)}`)[3]).toMatch(/kernel stack guard PTE$/);
    expect(l.sys.querySystemAddress(limit - 0x1000n)!.systemPte).toBe('guard');
  });
});

describe('kd: !memusage', () => {
  it('the Usage Summary has Learn\'s columns; each control area\'s row agrees with its prototype PTEs and PFNs', () => {
    const l = lab();
    const out = l.run('!memusage');
    const at = out.indexOf('Control       Valid Standby Dirty Shared Locked PageTables  name');
    expect(at).toBeGreaterThan(0);
    expect(out[at - 1]).toBe('  Usage Summary (in Kb):');
    const sections = l.sys.querySections({ views: 'none' });
    expect(out.length - at - 1).toBe(sections.length);
    sections.forEach((sec, i) => {
      const cols = out[at + 1 + i]!.trim().split(/\s+/);
      expect(cols[0]).toBe(sec.controlArea.toString(16));
      const [valid, standby, dirty, shared, locked, tables] = cols.slice(1, 7).map(Number);
      // Valid and resident pages as querySections counts them (4 KB a page).
      expect(valid).toBe(sec.validPages * 4);
      expect(standby! + dirty!).toBe((sec.residentPages - sec.validPages) * 4);
      let sh = 0, lk = 0, sb = 0;
      for (const pte of l.sys.queryPrototypePtes(sec.controlArea, 0, sec.totalPtes)) {
        if (pte.pfn === null) continue;
        const pfn = l.sys.queryPfn(pte.pfn);
        if (pte.kind === 'hardware') { if (pfn.ShareCount > 1) sh++; if (pfn.ReferenceCount > 0) lk++; } else if (pfn.State === 'Standby') sb++;
      }
      expect([shared, locked, standby]).toEqual([sh * 4, lk * 4, sb * 4]);
      expect(tables).toBe(0);
      expect(cols.slice(7).join(' ')).toBe(sec.file ? `mapped_file( ${sec.file.replace(/^.*\\/, '')} )` : 'Page File Section');
    });
  });
});
