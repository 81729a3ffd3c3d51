// The kernel debugger's commands on a known session: layout AND values, checked against the engine's
// own queries (processIds/queryProcess, getPagingStructureAddresses, walkAddress, queryPfn, ...).
import { describe, expect, it } from 'vitest';
import {
  createSystem, describeObject, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, type PROCESS_INFORMATION, type System,
} from '../../src/engine';
import { runKd, runKdLine, type KdState, type KdView } from '../../src/extension/kd/kd';
import { pointer, pointerDigits } from '../../src/extension/present/format';

interface Lab { sys: System; pid: number; base: bigint; untouched: bigint; view: KdView; state: KdState; run(line: string): string[] }

/** seed 1, booted, plus notepad.exe with a written page and a committed page never touched. */
function lab(): Lab {
  const sys = createSystem({ seed: 1 });
  const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
  const k = sys.win32(pid);
  const base = k.VirtualAlloc(0n, 0x3000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  k.WriteMemory(base, new TextEncoder().encode('Hello, kd\0'));
  const untouched = base + 0x2000n;
  const view: KdView = { system: sys, live: sys, cursor: undefined };
  const state: KdState = { pid };
  return { sys, pid, base, untouched, view, state, run: (line) => runKd(view, state, line).lines };
}

describe('kd: processes and threads', () => {
  // The dump walks PsActiveProcessHead, which does not hold the Idle process (PspInitPhase0 never inserts it:
  // ReactOS wiki, "Idle Process"), so every process but Idle is listed.
  it('!process 0 0 lists every process on the active process list (all but Idle) with its real Cid, Peb, DirBase and image', () => {
    const l = lab();
    const out = l.run('!process 0 0');
    expect(out[0]).toBe('**** NT ACTIVE PROCESS DUMP ****');
    const blocks = out.filter((x) => x.startsWith('PROCESS '));
    const listed = l.sys.processIds.filter((pid) => pid !== 0);
    expect(blocks).toHaveLength(listed.length);
    expect(out.indexOf(`PROCESS ${pointerDigits(l.sys.queryProcess(0)!.eprocess)}`)).toBe(-1);
    for (const pid of listed) {
      const p = l.sys.queryProcess(pid)!;
      const at = out.indexOf(`PROCESS ${pointerDigits(p.eprocess)}`);
      expect(at, `process ${pid}`).toBeGreaterThan(0);
      expect(out[at + 1]).toContain(`Cid: ${pid.toString(16).padStart(4, '0')}`);
      expect(out[at + 1]).toContain(`Peb: ${p.peb.toString(16).padStart(8, '0')}`);
      expect(out[at + 1]).toContain(`ParentCid: ${p.parentPid.toString(16).padStart(4, '0')}`);
      expect(out[at + 2]).toContain(`DirBase: ${(BigInt(p.directoryTableBase) * 4096n).toString(16).padStart(8, '0')}`);
      expect(out[at + 2]).toContain(`HandleCount: ${String(l.sys.queryHandles(pid).length).padStart(4)}.`);
      expect(out[at + 3]).toBe(`    Image: ${p.imageFileName}`);
    }
  });

  it('!process 0 0 notepad.exe filters by image; by cid and by address gives the same process with threads', () => {
    const l = lab();
    const only = l.run('!process 0 0 notepad.exe').filter((x) => x.startsWith('PROCESS '));
    expect(only).toEqual([`PROCESS ${pointerDigits(l.sys.queryProcess(l.pid)!.eprocess)}`]);
    const byCid = l.run(`!process 0n${l.pid} 7`);
    const byAddress = l.run(`!process ${pointer(l.sys.queryProcess(l.pid)!.eprocess)} 7`);
    expect(byCid).toEqual(byAddress);
    const tid = l.sys.queryProcess(l.pid)!.threads[0]!.tid;
    expect(byCid.some((x) => x.includes(`THREAD `) && x.includes(`Cid ${l.pid.toString(16).padStart(4, '0')}.${tid.toString(16).padStart(4, '0')}`))).toBe(true);
    expect(byCid.join('\n')).toContain(`Working Set Sizes (now,min,max)  (${l.sys.queryProcess(l.pid)!.workingSetSize},`);
  });

  it('.process switches the context: !peb, lm and @$proc follow it', () => {
    const l = lab();
    const explorer = l.sys.processIds.find((p) => l.sys.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const e = l.sys.queryProcess(explorer)!;
    expect(l.run(`.process /p ${pointer(e.eprocess)}`)).toEqual([`Implicit process is now ${pointer(e.eprocess)}`]);
    expect(l.run('!peb')[0]).toBe(`PEB at ${pointerDigits(e.peb)}`);
    expect(l.run('? @$proc')[0]).toBe(`Evaluate expression: ${BigInt.asIntN(64, e.eprocess)} = ${pointer(e.eprocess)}`);
    const lm = l.run('lm');
    expect(lm[0]).toBe('start             end                 module name');
    expect(lm.some((x) => / explorer +\(deferred\)$/.test(x))).toBe(true);
    const entry = describeObject(l.sys, { kind: 'LDR_DATA_TABLE_ENTRY', pid: explorer, index: 1 })!;
    const dll = entry.fields.find((f) => f.name === 'DllBase')!.value as bigint;
    expect(lm.some((x) => x.startsWith(pointer(dll)))).toBe(true);
  });

  it('!thread and !teb show the current thread with its Cid, TEB and owning process', () => {
    const l = lab();
    const p = l.sys.queryProcess(l.pid)!;
    const th = p.threads[0]!;
    const et = describeObject(l.sys, { kind: 'ETHREAD', tid: th.tid })!;
    const out = l.run('!thread');
    expect(out[0]).toMatch(new RegExp(`^THREAD ${pointerDigits(et.address)}  Cid ${l.pid.toString(16).padStart(4, '0')}\\.${th.tid.toString(16).padStart(4, '0')}  Teb: ${pointerDigits(th.teb)}`));
    expect(out.join('\n')).toContain(`Owning Process            ${pointerDigits(p.eprocess)}       Image:         notepad.exe`);
    expect(l.run('!teb')[0]).toBe(`TEB at ${pointerDigits(th.teb)}`);
    expect(l.run(`.thread ${pointer(et.address)}`)).toEqual([`Implicit thread is now ${pointer(et.address)}`]);
  });

  it('!handle lists the handle with its type, access and name; !token the user SID', () => {
    const l = lab();
    const h = l.sys.win32(l.pid).CreateFileMapping(-1, PAGE_READWRITE, 0x10000n, 'KdDemo');
    const info = l.sys.queryHandles(l.pid).find((x) => x.handle === h)!;
    const out = l.run('!handle');
    expect(out).toContain(`Handle table at ${pointerDigits(describeObject(l.sys, { kind: 'HANDLE_TABLE', pid: l.pid })!.address)} with ${l.sys.queryHandles(l.pid).length} entries in use`);
    const line = out.findIndex((x) => x.startsWith(`${h.toString(16).padStart(4, '0')}: Object: ${pointerDigits(info.objectAddress)}`));
    expect(line).toBeGreaterThan(0);
    expect(out[line]).toContain(`GrantedAccess: ${info.grantedAccess.toString(16).padStart(8, '0')}`);
    expect(out[line + 1]).toBe(`Object: ${pointerDigits(info.objectAddress)}  Type: Section`);
    expect(out.slice(line, line + 5).join('\n')).toContain('KdDemo');
    expect(l.run(`!object ${pointer(info.objectAddress)}`)).toEqual([
      `Object: ${pointerDigits(info.objectAddress)}  Type: Section`, `    ObjectHeader: ${pointerDigits(info.objectAddress - 0x30n)} (new version)`,
      '    HandleCount: 1', `    Directory Object: ${info.name!.slice(0, info.name!.lastIndexOf('\\'))}  Name: KdDemo`,
    ]);
    expect(l.run(`!object ${pointer(l.sys.queryProcess(l.pid)!.eprocess)}`)[0]).toContain('Type: Process');
    expect(l.run('!object 1234')).toEqual(['0000000000001234: Not a valid object (ObjectType invalid)']);
    const token = l.run('!token');
    // Learn, "!token": the process token when the thread is not impersonating, `_TOKEN 0x...`; -n adds the account name.
    expect(token.slice(0, 2)).toEqual(['Thread is not impersonating. Using process token...',
      `_EPROCESS 0x${pointerDigits(l.sys.queryProcess(l.pid)!.eprocess)}, _TOKEN 0x${pointerDigits(describeObject(l.sys, { kind: 'TOKEN', pid: l.pid })!.address)}`]);
    expect(token.join('\n')).toMatch(/User: S-1-5-/);
    const user = l.sys.queryProcess(l.pid)!.userName!;
    expect(l.run('!token -n').find((x) => x.startsWith('User: '))).toMatch(new RegExp(`^User: S-1-5-[0-9-]+ \\(User: ${user.replace(/\\/g, '\\\\')}\\)$`));
    expect(token.some((x) => x.startsWith('User and groups') || x.startsWith('Integrity Level'))).toBe(false);
    // The standard user's token: SeChangeNotifyPrivilege enabled, SeShutdownPrivilege present but disabled.
    // Learn's example: ` 00 0x000000017 SeChangeNotifyPrivilege  Attributes - ...`: the index in the list, then the LUID.
    const privs = token.slice(token.indexOf('Privs:') + 1, token.findIndex((x) => x.startsWith('Authentication ID:')));
    expect(privs.map((x) => x.slice(0, 4))).toEqual(privs.map((_x, i) => ` ${String(i).padStart(2, '0')} `));
    expect(token.find((x) => x.includes('SeChangeNotifyPrivilege'))).toMatch(/^ \d\d 0x000000017 SeChangeNotifyPrivilege\s+Attributes - Enabled$/);
    expect(token.find((x) => x.includes('SeShutdownPrivilege'))).toMatch(/^ \d\d 0x000000013 SeShutdownPrivilege\s+Attributes - $/);
  });

  it('!token lists the token\'s groups with their attributes, as Learn\'s example does (-n adds the names)', () => {
    const l = lab();
    const groups = l.sys.queryTokenGroups(l.pid)!;
    expect(groups.length).toBeGreaterThan(2);
    const out = l.run('!token');
    const at = out.indexOf('Groups:');
    expect(at).toBe(out.findIndex((x) => x.startsWith('User: ')) + 1);
    expect(out[at + 2 * groups.length + 1]).toBe('Privs:');
    const SE: Array<[number, string]> = [[0x1, 'Mandatory'], [0x2, 'Default'], [0x4, 'Enabled'], [0x8, 'Owner'], [0x10, 'UseForDenyOnly'], [0x20, 'GroupIntegrity'], [0x40, 'GroupIntegrityEnabled']];
    groups.forEach((g, i) => {
      expect(out[at + 1 + 2 * i]).toBe(` ${String(i).padStart(2, '0')} ${g.sid}`);
      const words = out[at + 2 + 2 * i]!.replace(/^ {4}Attributes - /, '').split(' ').filter(Boolean);
      if ((g.attributes & 0xC0000000) === 0xC0000000) expect(words).toContain('LogonId');
      for (const [bit, word] of SE) expect(words.includes(word)).toBe((g.attributes & bit) !== 0);
    });
    // The integrity label is a group: S-1-16-x with GroupIntegrity; a logon SID has no name mapped.
    const named = l.run('!token -n');
    const label = named.find((x) => /^ \d\d S-1-16-/.test(x));
    expect(label).toMatch(/\(Label: Mandatory Label\\\w+ Mandatory Level\)$/);
    expect(named[named.indexOf(label!) + 1]).toBe('    Attributes - GroupIntegrity GroupIntegrityEnabled');
    const logon = groups.find((g) => g.sid.startsWith('S-1-5-5-'));
    if (logon) expect(named).toContain(` ${String(groups.indexOf(logon)).padStart(2, '0')} ${logon.sid} (no name mapped)`);
    expect(named.find((x) => / S-1-5-32-545 /.test(x))).toMatch(/\(Alias: BUILTIN\\Users\)$/);
  });

  it('!job shows a job\'s accounting and its processes', () => {
    const l = lab();
    const k = l.sys.win32(l.pid);
    const job = k.CreateJobObject(null, 'Local\\KdJob');
    const pi: PROCESS_INFORMATION = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
    expect(k.CreateProcess(null, 'calc.exe', false, 0, null, pi)).toBe(true);
    expect(k.AssignProcessToJobObject(job, pi.hProcess)).toBe(true);
    const info = l.sys.queryJobs().find((j) => j.processIds.includes(pi.dwProcessId))!;
    l.run(`.process 0n${pi.dwProcessId}`);
    const out = l.run('!job');
    expect(out[0]).toBe(`Job at ${pointerDigits(info.address)}`);
    expect(out).toContain(`    ActiveProcesses:          0x${info.activeProcesses.toString(16)}`);
    expect(out).toContain(`    PROCESS ${pointerDigits(l.sys.queryProcess(pi.dwProcessId)!.eprocess)}`);
  });

  it('k prints the current step\'s call chain, innermost frame first', () => {
    const l = lab();
    const last = l.sys.getSteps(l.sys.stepCount - 1, l.sys.stepCount)[0]!;
    const out = l.run('k');
    expect(out[0]).toBe(' # Call Site');
    expect(out[1]).toMatch(new RegExp(`^00 \\w+!${last.routine}$`));
  });
});

describe('kd: memory', () => {
  it('db/dd/dq/da read back what the process wrote, through the page tables', () => {
    const l = lab();
    const db = l.run(`db ${pointer(l.base)} L10`);
    expect(db).toEqual([`${pointer(l.base)}  48 65 6c 6c 6f 2c 20 6b-64 00 00 00 00 00 00 00  Hello, kd.......`]);
    // Without an address, d* continues where the last display ended.
    expect(l.run('db L1')[0]).toMatch(new RegExp(`^${pointer(l.base + 0x10n)}  00`));
    expect(l.run(`dd ${pointer(l.base)} L2`)).toEqual([`${pointer(l.base)}  6c6c6548 6b202c6f`]);
    expect(l.run(`dq ${pointer(l.base)} L1`)).toEqual([`${pointer(l.base)}  6b202c6f\`6c6c6548`]);
    expect(l.run(`da ${pointer(l.base)}`)).toEqual([`${pointer(l.base)}  "Hello, kd"`]);
  });

  it('an address whose PTE is not valid prints ?? and faults nothing in', () => {
    const l = lab();
    const steps = l.sys.stepCount;
    const out = l.run(`dd ${pointer(l.untouched)} L4`);
    expect(out).toEqual([`${pointer(l.untouched)}  ???????? ???????? ???????? ????????`]);
    expect(l.sys.stepCount).toBe(steps);
    expect(l.sys.walkAddress(l.pid, l.untouched).physicalAddress).toBeNull();
  });

  it('!pte prints the four entry addresses getPagingStructureAddresses gives and what they contain', () => {
    const l = lab();
    const out = l.run(`!pte ${pointer(l.base)}`);
    const a = l.sys.getPagingStructureAddresses(l.base);
    expect(out[0]!.trim()).toBe(`VA ${pointerDigits(l.base)}`);
    for (const [name, v] of [['PXE', a.pxe], ['PPE', a.ppe], ['PDE', a.pde], ['PTE', a.pte]] as const) expect(out[1]).toContain(`${name} at ${pointerDigits(v).toUpperCase()}`);
    const walk = l.sys.walkAddress(l.pid, l.base);
    for (const level of walk.levels) expect(out[2]).toContain(`contains ${pointerDigits(level.decoded.value).toUpperCase()}`);
    expect(out[3]).toContain(`pfn ${walk.pfn!.toString(16)} `);
    expect(out[3]).toMatch(/---DA--UW-V$/);
  });

  it('!pte of a committed page never touched: the PTE is not valid', () => {
    const l = lab();
    const out = l.run(`!pte ${pointer(l.untouched)}`);
    expect(out.join('\n')).toContain('not valid');
  });

  it('!vtop translates to the same physical address as the walk; !pfn agrees with queryPfn', () => {
    const l = lab();
    const walk = l.sys.walkAddress(l.pid, l.base);
    const vtop = l.run(`!vtop 0 ${pointer(l.base)}`);
    expect(vtop[vtop.length - 1]).toBe(`Virtual address ${l.base.toString(16)} translates to physical address ${walk.physicalAddress!.toString(16)}.`);
    const f = l.sys.queryPfn(walk.pfn!);
    const pfn = l.run(`!pfn ${walk.pfn!.toString(16)}`);
    // Learn, "!pfn": PFN, blink / share count + pteaddress, reference count, restore pte + containing page
    // (six zero-padded digits) + state; no invented lines (no owner, no PFN-database address).
    const up = (v: number | bigint, n: number): string => v.toString(16).padStart(n, '0').toUpperCase();
    expect(pfn).toEqual([
      `    PFN ${up(walk.pfn!, 8)}`,
      `    blink / share count ${up(f.ShareCount, 8)}  pteaddress ${up(f.PteAddress, 16)}`,
      `    reference count ${up(f.ReferenceCount, 4)}                  Priority ${f.Priority}`,
      `    restore pte ${up(f.OriginalPte, 16)}  containing page ${up(f.PteFrame, 6)}  Active  M`,
      '    Modified',
    ]);
    expect(f.State).toBe('Active');
    expect(f.Modified).toBe(true);
    expect(f.PteAddress).toBe(l.sys.getPagingStructureAddresses(l.base).pte);
    // The containing page is the page table: the frame the PDE points to.
    expect(f.PteFrame).toBe(Number(walk.levels[2]!.decoded.fields.PageFrameNumber));
    // !db reads the same bytes at the physical address.
    expect(l.run(`!db ${walk.physicalAddress!.toString(16)} L5`)[0]).toContain('48 65 6c 6c 6f');
  });

  it('eb writes through the process\'s store path: the live machine sees it', () => {
    const l = lab();
    expect(l.run(`eb ${pointer(l.base)} 4a 6f`)).toEqual([]);
    expect(new TextDecoder().decode(l.sys.win32(l.pid).ReadMemory(l.base, 5))).toBe('Jollo');
    // A write to a committed page not yet touched is a demand-zero fault, as in the simulation.
    const steps = l.sys.stepCount;
    l.run(`ed ${pointer(l.untouched)} 12345678`);
    expect(l.sys.stepCount).toBeGreaterThan(steps);
    expect(l.run(`dd ${pointer(l.untouched)} L1`)).toEqual([`${pointer(l.untouched)}  12345678`]);
    expect(l.run('eb 0 1')).toEqual(['Memory access error at \'0\'']);
  });

  it('!vad, !wsle, !address, !vm and !memusage agree with the engine', () => {
    const l = lab();
    const vads = l.sys.queryVads(l.pid);
    expect(l.run('!vad')).toContain(`Total VADs: ${vads.length}, average level: ${Math.floor(vads.reduce((a, v) => a + v.level + 1, 0) / vads.length)}, maximum depth: ${Math.max(...vads.map((v) => v.level))}`);
    const ws = l.sys.queryWorkingSet(l.pid);
    const wsle = l.run('!wsle 1');
    expect(wsle.filter((x) => / pfn [0-9a-f-]+$/.test(x))).toHaveLength(ws.entries.length);
    const mbi = l.sys.win32(l.pid).VirtualQuery(l.base)!;
    const address = l.run(`!address ${pointer(l.base)}`);
    expect(address).toContain(`Region Size:            ${pointer(mbi.RegionSize)} (${(Number(mbi.RegionSize) / 1024).toFixed(3).padStart(8)} kB)`);
    expect(address).toContain('State:                  00001000          MEM_COMMIT');
    const commit = l.sys.queryCommit();
    // Learn, "!vm": `*** Virtual Memory Usage ***`, then `label: pages   ( Kb)` rows.
    const vm = l.run('!vm');
    expect(vm[1]).toBe('*** Virtual Memory Usage ***');
    expect(vm).toContain(`${'Committed pages'.padStart(24)}:${String(commit.CommitTotal).padStart(9)}   (${String(commit.CommitTotal * 4).padStart(9)} Kb)`);
    expect(l.run('!vm 1').some((x) => /^ +[0-9a-f]{4} \S+\.exe/.test(x))).toBe(false);
    const mu = l.run('!memusage');
    const count = (label: string): number => Number(/:\s+(\d+)/.exec(mu.find((x) => x.trim().startsWith(label + ':'))!)![1]);
    const lists = l.sys.querySystemMemoryListInformation();
    expect(count('Zeroed')).toBe(lists.ZeroPageCount);
    expect(['Zeroed', 'Free', 'Standby', 'Modified', 'ModifiedNoWrite', 'Active/Valid', 'Bad'].reduce((a, k) => a + count(k), 0)).toBe(l.sys.physicalPageCount);
  });

  it('!ca shows a control area\'s segment and its views', () => {
    const l = lab();
    const ntdll = l.sys.querySections().find((s) => s.file?.endsWith('ntdll.dll'))!;
    const out = l.run(`!ca ${ntdll.controlArea.toString(16)}`);
    expect(out).toContain(`  Total Ptes ${ntdll.totalPtes.toString(16).padStart(16)}`);
    expect(out.filter((x) => x.startsWith('  pid '))).toHaveLength(ntdll.views.length);
  });
});

describe('kd: dt', () => {
  it('dt module!type address field shows the engine\'s offsets and values', () => {
    const l = lab();
    const p = l.sys.queryProcess(l.pid)!;
    const out = l.run(`dt nt!_EPROCESS ${pointer(p.eprocess)} UniqueProcessId ImageFileName`);
    expect(out[0]).toBe('nt!_EPROCESS');
    expect(out[1]).toMatch(new RegExp(`^   \\+0x440 UniqueProcessId +: 0x${pointer(BigInt(l.pid))} Void$`));
    expect(out[2]).toMatch(/^ {3}\+0x5a8 ImageFileName +: "notepad\.exe"$/);
    expect(out).toHaveLength(3);
  });

  it('dt without an address lays the type out; -v adds size and count; -r follows a field', () => {
    const l = lab();
    const layout = describeObject(l.sys, { kind: 'PEB', pid: l.pid })!;
    const type = l.run('dt ntdll!_PEB');
    expect(type[0]).toBe('nt!_PEB');
    expect(type).toHaveLength(1 + layout.fields.length);
    expect(type.join('\n')).toMatch(/\+0x018 Ldr +: Ptr64 _PEB_LDR_DATA/);
    expect(l.run('dt -v _PEB')[0]).toBe(`struct _PEB, ${layout.fields.filter((f) => f.offset >= 0).length} elements, 0x${layout.size.toString(16)} bytes`);
    const r = l.run(`dt -r1 nt!_EPROCESS @$proc Pcb`);
    expect(r[1]).toMatch(/\+0x000 Pcb +: _KPROCESS/);
    expect(r.some((x) => /^ {6}\+0x028 DirectoryTableBase/.test(x))).toBe(true);
  });

  it('unknown types and unreadable objects get WinDbg\'s errors', () => {
    const l = lab();
    expect(l.run('dt nt!_FOO')).toEqual(['Symbol nt!_FOO not found.']);
    expect(l.run('dt foo!_EPROCESS')).toEqual(['Symbol foo!_EPROCESS not found.']);
    expect(l.run('dt nt!_EPROCESS 1234')).toEqual(['Memory read error 0000000000001234']);
  });
});

describe('kd: expressions, help and errors', () => {
  it('evaluates WinDbg numbers: hex by default, 0n decimal, backtick, arithmetic, poi', () => {
    const l = lab();
    expect(l.run('? 0n123')).toEqual(['Evaluate expression: 123 = 00000000`0000007b']);
    expect(l.run('? 10 + 0x10 * 2')).toEqual(['Evaluate expression: 48 = 00000000`00000030']);
    expect(l.run('? ffff8104`e0017e40 - ffff8104`e0017e00')).toEqual(['Evaluate expression: 64 = 00000000`00000040']);
    expect(l.run(`? poi(${pointer(l.base)})`)[0]).toBe(`Evaluate expression: ${0x6b202c6f6c6c6548n} = 6b202c6f\`6c6c6548`);
    expect(l.run(`? poi(${pointer(l.untouched)})`)).toEqual([`Memory access error at 'poi(${pointer(l.untouched)})'`]);
  });

  it('answers in the debugger\'s own words', () => {
    const l = lab();
    expect(l.run('db xyz')).toEqual(['Couldn\'t resolve error at \'xyz\'']);
    expect(l.run('!nothing')).toEqual(['No export nothing found']);
    expect(l.run('zz 1')).toEqual(['       ^ Syntax error in \'zz 1\'']);
    expect(l.run('db 0 L 100000')[0]).toMatch(/^Range error/);
    expect(l.run('.help !pte')).toEqual(['!pte VirtualAddress', '    the PXE, PPE, PDE and PTE that map an address (user space, pool, system PTEs)']);
    expect(l.run('?').length).toBeGreaterThan(30);
    expect(runKd(l.view, l.state, '.cls')).toEqual({ lines: [], clear: true });
    // A number past 64 bits is WinDbg's overflow error, not a silently truncated value.
    expect(l.run('? 1ffffffffffffffff')).toEqual(['Overflow error at \'1ffffffffffffffff\'']);
    expect(l.run('? 0n99999999999999999999')).toEqual(['Overflow error at \'0n99999999999999999999\'']);
    expect(l.run('? ffffffffffffffff')).toEqual(['Evaluate expression: -1 = ffffffff`ffffffff']);
    // A failed write names the address only (the values are not the error).
    expect(l.run('eb 0 1 2')).toEqual(['Memory access error at \'0\'']);
    // Echoed input goes out printable: no escape sequence reaches the terminal.
    expect(l.run('dt nt!_\u001b[2Jfoo')).toEqual(['Symbol nt!_\\x1b[2Jfoo not found.']);
    expect(l.run('foo\u001b[2J')).toEqual(['       ^ Syntax error in \'foo\\x1b[2J\'']);
  });

  it('several commands on one line run in order; runKdLine takes notes\' `kd>` lines', () => {
    const l = lab();
    expect(l.run('? 1; ? 2')).toEqual(['Evaluate expression: 1 = 00000000`00000001', 'Evaluate expression: 2 = 00000000`00000002']);
    expect(runKdLine(l.sys, {}, 'kd> !process 0 0 notepad.exe')).toContain(`PROCESS ${pointerDigits(l.sys.queryProcess(l.pid)!.eprocess)}`);
  });
});

describe('kd: time travel', () => {
  it('!tt to a percentage or a position returns where it went; commands after it see that state', () => {
    const l = lab();
    const last = l.sys.stepCount - 1;
    const half = runKd(l.view, l.state, '!tt 50');
    expect(half.travel).toEqual({ seq: Math.round(last / 2) });
    const to = runKd(l.view, l.state, '!tt 5:0; !positions');
    expect(to.travel).toEqual({ seq: 5 });
    expect(to.lines.some((x) => /^>Thread ID=0x[0-9A-F]+ - Position: 5:0$/.test(x))).toBe(true);
    // !positions names the thread of the step at the position, not the console's context thread.
    const all = l.sys.getSteps(0, l.sys.stepCount);
    const threadStep = all.find((s) => typeof s.args.tid === 'number' && s.args.pid !== l.pid)!;
    const at = runKd(l.view, { pid: l.pid }, `!tt ${threadStep.seq.toString(16)}:0; !positions`).lines;
    expect(at).toContain(`>Thread ID=0x${(threadStep.args.tid as number).toString(16).toUpperCase()} - Position: ${threadStep.seq.toString(16).toUpperCase()}:0`);
    const fault = all.filter((s) => s.kind === 'pageFault' && s.args.pid === l.pid).pop()!;
    const first = l.sys.queryProcess(l.pid)!.threads[0]!.tid;
    expect(runKd(l.view, { pid: 4 }, `!tt ${fault.seq.toString(16)}:0; !positions`).lines[3]).toBe(`>Thread ID=0x${first.toString(16).toUpperCase()} - Position: ${fault.seq.toString(16).toUpperCase()}:0`);
    expect(runKd(l.view, l.state, '!tt 100').travel).toEqual({ seq: undefined });
  });

  it('a past state hides what did not exist yet: notepad is absent before its creation', () => {
    const l = lab();
    const created = l.sys.getSteps(0, l.sys.stepCount).find((s) => s.routine === 'PspInsertProcess' && s.args.pid === l.pid)
      ?? l.sys.getSteps(0, l.sys.stepCount).find((s) => s.args.pid === l.pid)!;
    const before = { system: l.sys.stateAt(created.seq - 1), live: l.sys, cursor: created.seq - 1 };
    const out = runKd(before, {}, '!process 0 0 notepad.exe').lines;
    expect(out.filter((x) => x.startsWith('PROCESS '))).toEqual([]);
  });

  it('g- stops at the previous page fault or creation stage; p- goes back one step', () => {
    const l = lab();
    const last = l.sys.stepCount - 1;
    expect(runKd(l.view, l.state, 'p-').travel).toEqual({ seq: last - 1 });
    const g = runKd(l.view, l.state, 'g-').travel!.seq!;
    const [prev, step] = l.sys.getSteps(g - 1, g + 1);
    expect(step!.kind === 'pageFault' || (step!.stage !== undefined && step!.stage !== prev!.stage)).toBe(true);
    for (const s of l.sys.getSteps(g + 1, last)) expect(s.kind).not.toBe('pageFault');
  });
});

describe('kd: dx', () => {
  it('dx @$curprocess shows the context process: name [Switch To], its EPROCESS type, Name and Id', () => {
    const l = lab();
    const p = l.sys.queryProcess(l.pid)!;
    const out = l.run('dx @$curprocess');
    expect(out[0]).toBe('@$curprocess     : notepad.exe [Switch To]');
    expect(out).toContain('    KernelObject     [Type: _EPROCESS]');
    expect(out).toContain('    Name             : notepad.exe');
    expect(out).toContain(`    Id               : 0x${l.pid.toString(16)}`);
    expect(out).toContain('    Threads');
    // The root's children only (no -r): nothing indented deeper.
    expect(out.filter((x) => x.startsWith('        '))).toEqual([]);
    expect(l.run('dx @$curprocess.Name')).toEqual(['@$curprocess.Name : notepad.exe', `    Length           : 0x${'notepad.exe'.length.toString(16)}`]);
    expect(l.run('dx @$curprocess.Id')).toEqual([`@$curprocess.Id  : 0x${l.pid.toString(16)}`]);
    expect(l.run('dx @$curprocess.Threads')).toEqual(['@$curprocess.Threads', ...p.threads.map((t) => `    ${`[0x${t.tid.toString(16)}]`.padEnd(17)}[Switch To]`)]);
  });

  it('dx @$curthread follows .thread; .KernelObject lays out the ETHREAD at its address', () => {
    const l = lab();
    const tid = l.sys.queryProcess(l.pid)!.threads[0]!.tid;
    expect(l.run('dx @$curthread')).toContain(`    Id               : 0x${tid.toString(16)}`);
    const ethread = describeObject(l.sys, { kind: 'ETHREAD', tid })!;
    const ko = l.run('dx @$curthread.KernelObject');
    expect(ko[0]).toBe('@$curthread.KernelObject [Type: _ETHREAD]');
    expect(ko.length).toBe(1 + ethread.fields.filter((f) => f.offset >= 0).length);
  });

  // Learn, "dx (Display Debugger Object Model Expression)": "-r# Recursively display subtypes (fields) up
  // to # levels. If # is not specified, a recursion level of one is the default."
  it('dx @$cursession.Processes lists every process by id (default -r1); -r2 expands each; [pid] (decimal or 0x) selects one', () => {
    const l = lab();
    const list = l.run('dx @$cursession.Processes');
    expect(list[0]).toBe('@$cursession.Processes');
    expect(list.slice(1)).toEqual(l.sys.processIds.map((pid) => `    ${`[0x${pid.toString(16)}]`.padEnd(17)}: ${l.sys.queryProcess(pid)!.imageFileName} [Switch To]`));
    expect(l.run('dx -r1 @$cursession.Processes')).toEqual(list);
    expect(l.run('dx -r0 @$cursession.Processes')).toEqual(['@$cursession.Processes']);
    const r2 = l.run('dx -r2 @$cursession.Processes');
    expect(r2.filter((x) => /^ {8}Name {13}: /.test(x))).toHaveLength(l.sys.processIds.length);
    expect(r2.some((x) => /^ {12}/.test(x))).toBe(false);
    expect(l.run(`dx @$cursession.Processes[${l.pid}]`)[0]).toBe(`@$cursession.Processes[${l.pid}] : notepad.exe [Switch To]`);
    expect(l.run(`dx @$cursession.Processes[0x${l.pid.toString(16)}].Name`)[0]).toBe(`@$cursession.Processes[0x${l.pid.toString(16)}].Name : notepad.exe`);
  });

  it('names and indexes that do not exist get dx\'s error, never an exception', () => {
    const l = lab();
    expect(l.run('dx @$nothing')).toEqual(["Error: Unable to bind name '@$nothing'"]);
    expect(l.run('dx @$curprocess.Nope')).toEqual(["Error: Unable to bind name 'Nope'"]);
    expect(l.run('dx @$cursession.Processes[99999]')[0]).toMatch(/^Error: Index was out of bounds/);
    expect(l.run('dx')).toEqual(['Error: Expected expression']);
    expect(l.run('dx @$curprocess..')[0]).toMatch(/^Error: /);
  });

  it('.help says that eb/ed/eq are refused while time travelling, and they are', () => {
    const l = lab();
    for (const c of ['eb', 'ed', 'eq']) expect(l.run(`.help ${c}`)[1]).toMatch(/refused while time travelling/);
    const past = { system: l.sys.stateAt(l.sys.stepCount - 2), live: l.sys, cursor: l.sys.stepCount - 2 };
    expect(runKd(past, l.state, `eb ${pointer(l.base)} 41`).lines[0]).toMatch(/^Memory write error/);
  });
});

describe('kd: commit charge', () => {
  // Windows Internals 7e ch. 5, "Commit charge and the system commit limit": a process is charged for its
  // private committed pages and its page tables; EPROCESS.CommitCharge, !process and !vm show one number.
  it('EPROCESS.CommitCharge, !process CommitCharge and the !vm row of the process are the same number', () => {
    const l = lab();
    const p = l.sys.queryProcess(l.pid)!;
    const expected = p.privateCommit + p.pageTablePages;
    expect(p.pageTablePages).toBeGreaterThan(0);
    const dt = l.run('dt nt!_EPROCESS @$proc CommitCharge');
    expect(dt[1]).toMatch(new RegExp(`CommitCharge +: 0x${expected.toString(16)}$`));
    expect(l.run('!process 0 1 notepad.exe')).toContain(`    CommitCharge                      ${expected}`);
    const row = l.run('!vm').find((x) => x.includes(` ${l.pid.toString(16).padStart(4, '0')} notepad.exe`))!;
    expect(row).toMatch(new RegExp(`notepad\\.exe +${expected} +\\( +${expected * 4} Kb\\)$`));
  });
});

describe('kd: !vad', () => {
  // Learn, "!vad": level, start, end, commit, type and protection per VAD; Total VADs / average level /
  // maximum depth; "!vad Address 1" details one VAD; the VadRoot address comes from !process.
  it('lists every VAD with its tree level, VPNs, commit, type and protection; the levels form the balanced tree', () => {
    const l = lab();
    const vads = l.sys.queryVads(l.pid);
    const out = l.run('!vad');
    expect(out[0]).toBe('level        start          end    commit');
    const rows = out.slice(1, 1 + vads.length);
    vads.forEach((v, i) => {
      const type = v.type === 0x1000000 ? 'Mapped  Exe EXECUTE_WRITECOPY' : v.type === 0x40000 ? 'Mapped     ' : `Private     ${['', 'NO_ACCESS', 'READONLY', '', 'READWRITE'][v.allocationProtect] ?? ''}`;
      expect(rows[i]!.startsWith(`(${String(v.level).padStart(2)}) ${(v.start >> 12n).toString(16).padStart(12)} ${(v.end >> 12n).toString(16).padStart(12)} ${String(v.commitCharge).padStart(9)} ${type}`), rows[i]).toBe(true);
    });
    // One root; an AVL tree's depth is at most 1.44 log2(n + 2).
    expect(vads.filter((v) => v.level === 0)).toHaveLength(1);
    expect(Math.max(...vads.map((v) => v.level))).toBeLessThanOrEqual(Math.floor(1.44 * Math.log2(vads.length + 2)));
    const privateCommit = vads.filter((v) => v.type === 0x20000).reduce((a, v) => a + v.commitCharge, 0);
    expect(out[out.length - 1]).toBe(`Total private commit: 0x${privateCommit.toString(16)} pages (${privateCommit * 4} KB)`);
  });

  it('!process prints VadRoot; !vad <VadRoot> walks that process\'s tree; !vad <address> [1] shows the one VAD', () => {
    const l = lab();
    const explorer = l.sys.processIds.find((p) => l.sys.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const line = l.run('!process 0 1 explorer.exe').find((x) => x.trimStart().startsWith('VadRoot '))!;
    const e = l.sys.queryProcess(explorer)!;
    expect(line).toBe(`    VadRoot ${pointerDigits(e.eprocess + 0x7D8n)} Vads ${e.vadCount} Clone 0 Private ${e.privateCommit}.`);
    const root = /VadRoot (\S+)/.exec(line)![1]!;
    const tree = l.run(`!vad ${root}`);
    expect(tree).toContain(`Total VADs: ${l.sys.queryVads(explorer).length}, average level: ${Math.floor(l.sys.queryVads(explorer).reduce((a, v) => a + v.level + 1, 0) / e.vadCount)}, maximum depth: ${Math.max(...l.sys.queryVads(explorer).map((v) => v.level))}`);
    const one = l.run(`!vad ${pointer(l.base + 0x1000n)}`);
    expect(one).toHaveLength(2);
    expect(one[1]).toContain(`${(l.base >> 12n).toString(16)} `);
    const v = l.sys.queryVads(l.pid).find((x) => x.start === l.base)!;
    expect(l.run(`!vad ${pointer(l.base)} 1`)).toEqual([
      `VAD for ${pointer(v.start)} - ${pointer(v.end)} (level ${v.level})`,
      `  Start VPN: ${(v.start >> 12n).toString(16).padStart(12)}  End VPN: ${(v.end >> 12n).toString(16).padStart(12)}  Control Area:  0`,
      `  First ProtoPte: 0  Last PTE 0  Commit Charge ${v.commitCharge.toString(16).padStart(9)} (${v.commitCharge}.)`,
      '   Private MemCommit READWRITE',
    ]);
    expect(l.run('!vad 10')).toEqual([`No VAD contains ${pointer(0x10n)}`]);
  });
});

describe('kd: !address', () => {
  // Learn, "!address": no argument lists every region and then the summary; -summary only the summary
  // (Usage, Type, State, Protect sections, RgnCount / Total Size / %ofBusy / %ofTotal); sizes in kB..TB.
  it('lists every region of the user address space in order, contiguous, then the summary; -summary is the summary alone', () => {
    const l = lab();
    const out = l.run('!address');
    const rows = out.filter((x) => /^[+|] /.test(x));
    const parse = (v: string): bigint => BigInt('0x' + v.replace('`', ''));
    let next = 0n;
    let committed = 0n;
    for (const r of rows) {
      const [, base, end, size, rest] = /^[+|] +(\S+) +(\S+) +(\S+) (.*)$/.exec(r)!;
      expect(parse(base!)).toBe(next);
      expect(parse(end!) - parse(base!)).toBe(parse(size!));
      const m = l.sys.win32(l.pid).VirtualQuery(parse(base!))!;
      expect(m.BaseAddress).toBe(parse(base!));
      expect(m.RegionSize).toBe(parse(size!));
      if (m.State === 0x1000) { committed += m.RegionSize; expect(rest).toContain('MEM_COMMIT'); }
      next = parse(end!);
    }
    expect(rows.length).toBeGreaterThan(10);
    expect(out).toContain('--- Usage Summary ---------------- RgnCount ----------- Total Size -------- %ofBusy %ofTotal');
    const state = out.find((x) => x.startsWith('MEM_COMMIT '))!;
    expect(state).toContain(` 0\`${committed.toString(16).padStart(8, '0')} `);
    const summary = l.run('!address -summary');
    expect(summary.some((x) => /^[+|] /.test(x))).toBe(false);
    expect(summary[0]).toBe(out[out.indexOf('--- Usage Summary ---------------- RgnCount ----------- Total Size -------- %ofBusy %ofTotal')]);
    expect(summary).toContain('--- Protect Summary (for commit) - RgnCount ----------- Total Size -------- %ofBusy %ofTotal');
    // Usage names the PEB's and the image's regions.
    const p = l.sys.queryProcess(l.pid)!;
    expect(l.run(`!address ${pointer(p.peb)}`)[0]).toBe('Usage:                  PEB');
    expect(l.run(`!address ${pointer(l.sys.queryVads(l.pid).find((v) => v.type === 0x1000000)!.start)}`)[0]).toBe('Usage:                  Image');
  });
});

describe('kd: !handle', () => {
  // Learn, "!handle" (kernel mode): flags bit 0 basic handle information, bit 1 object information
  // (type, header, HandleCount/PointerCount, name); the default is 0x3.
  it('flag 1 prints the handle line only, flag 2 the object block with the header\'s counts, the default both', () => {
    const l = lab();
    const h = l.sys.queryHandles(l.pid)[0]!;
    const basic = l.run('!handle 0 1');
    const object = l.run('!handle 0 2');
    const both = l.run('!handle');
    const handleLine = basic.find((x) => x.startsWith(`${h.handle.toString(16).padStart(4, '0')}: Object: ${pointerDigits(h.objectAddress)}`))!;
    expect(handleLine).toContain(`GrantedAccess: ${h.grantedAccess.toString(16).padStart(8, '0')}`);
    expect(basic.some((x) => x.startsWith('Object: '))).toBe(false);
    expect(object).not.toContain(handleLine);
    expect(object).toContain(`Object: ${pointerDigits(h.objectAddress)}  Type: ${h.typeName}`);
    // Every handle to the object counts: the same object is open in other processes too.
    const opened = l.sys.processIds.reduce((n, pid) => n + l.sys.queryHandles(pid).filter((x) => x.objectId === h.objectId).length, 0);
    expect(object).toContain(`        HandleCount: ${opened}  PointerCount: ${h.pointerCount}`);
    expect(h.pointerCount!).toBeGreaterThanOrEqual(opened);
    expect(both).toContain(handleLine);
    expect(both).toContain(`        HandleCount: ${opened}  PointerCount: ${h.pointerCount}`);
    expect(l.run(`!handle ${h.handle.toString(16)} 3`).filter((x) => /^[0-9a-f]{4}: Object/.test(x))).toEqual([handleLine]);
  });
});

describe('kd: dt of symbol-only types', () => {
  // Vergilius Project, Windows 10 2004 x64: _MMVAD (Core _MMVAD_SHORT at 0, Subsection at 0x48...),
  // _OBJECT_HEADER (Body at 0x30, the offset !object and !handle subtract), _MMPFN (0x30 bytes).
  it('dt nt!_MMVAD / _OBJECT_HEADER / _MMPFN show the public-symbol layout; at an address, the memory there or the read error', () => {
    const l = lab();
    const vad = l.run('dt nt!_MMVAD');
    expect(vad[0]).toBe('nt!_MMVAD');
    expect(vad[1]).toBe('   +0x000 Core              : _MMVAD_SHORT');
    expect(vad).toContain('   +0x048 Subsection        : Ptr64 _SUBSECTION');
    const header = l.run('dt _OBJECT_HEADER Body');
    expect(header).toEqual(['nt!_OBJECT_HEADER', `   +0x030 ${'Body'.padEnd('SecurityDescriptor'.length)} : _QUAD`]);
    expect(l.run('dt -v nt!_MMPFN')[0]).toBe('struct _MMPFN, 12 elements, 0x30 bytes');
    const p = l.sys.queryProcess(l.pid)!;
    // The object header precedes the EPROCESS in its pool block: dt reads the pool page's bytes there, as db does.
    const at = p.eprocess - 0x30n;
    const shown = l.run(`dt nt!_OBJECT_HEADER ${pointer(at)} PointerCount Reserved`);
    const dq = l.run(`dq ${pointer(at)} L1`)[0]!.split(/\s+/)[1]!.replace('`', '');
    const dd = l.run(`dd ${pointer(at + 0x1cn)} L1`)[0]!.split(/\s+/)[1]!;
    expect(shown).toEqual(['nt!_OBJECT_HEADER', `   +0x000 PointerCount : 0n${BigInt.asIntN(64, BigInt('0x' + dq))}`, `   +0x01c Reserved     : 0x${BigInt('0x' + dd).toString(16)}`]);
    // Nothing mapped there: WinDbg's read error (a user address never allocated; the PFN database is not mapped).
    expect(l.run('dt nt!_MMPFN 0x10000')).toEqual(['Memory read error 0000000000010000']);
  });

  it('dt of an engine type without an address lists only the type\'s fields, no simulation pseudo-rows', () => {
    const l = lab();
    const table = l.run('dt nt!_HANDLE_TABLE');
    expect(table.every((x, i) => i === 0 || /^ {3}\+0x[0-9a-f]{3} /.test(x))).toBe(true);
    expect(table.some((x) => x.includes('(handles)'))).toBe(false);
  });
});

describe('kd: objects by address', () => {
  it('a process or thread created after an earlier lookup is found by its address (the address index follows the live machine)', () => {
    const l = lab();
    const before = l.sys.queryProcess(l.pid)!;
    expect(l.run(`!process ${pointer(before.eprocess)} 0`)[0]).toBe(`PROCESS ${pointerDigits(before.eprocess)}`);
    const { pid } = l.sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const p = l.sys.queryProcess(pid)!;
    const tid = p.threads[0]!.tid;
    const ethread = describeObject(l.sys, { kind: 'ETHREAD', tid, pid })!.address;
    expect(l.run(`!process ${pointer(p.eprocess)} 0`)[0]).toBe(`PROCESS ${pointerDigits(p.eprocess)}`);
    expect(l.run(`!thread ${pointer(ethread)}`)[0]).toContain(`Cid ${pid.toString(16).padStart(4, '0')}.${tid.toString(16).padStart(4, '0')}`);
    expect(l.run(`dt nt!_ETHREAD ${pointer(ethread)} Cid.UniqueThread`)[1]).toContain(`: 0x${pointer(BigInt(tid))} `);
    expect(l.run('!thread ffff8104`00000000')[0]).toMatch(/^Unable to read _ETHREAD/);
  });
});

describe('kd: k', () => {
  it('a page fault\'s stack has nt!KiPageFault right below nt!MmAccessFault, also inside a creation stage', () => {
    const l = lab();
    const faults = l.sys.getSteps(0, l.sys.stepCount).filter((s) => s.kind === 'pageFault');
    const inStage = faults.find((s) => s.stage !== undefined) ?? faults[0]!;
    for (const f of [faults[faults.length - 1]!, inStage]) {
      const out = runKd({ system: l.sys.stateAt(f.seq), live: l.sys, cursor: f.seq }, {}, 'k').lines;
      const mm = out.findIndex((x) => x.endsWith(' nt!MmAccessFault'));
      expect(mm, out.join('\n')).toBeGreaterThan(0);
      expect(out[mm + 1]).toMatch(/^[0-9a-f]{2} nt!KiPageFault$/);
      expect(out[1]).toMatch(new RegExp(`^00 nt!${f.routine}$`));
    }
  });
});

describe('kd: dt -r', () => {
  it('-r1 expands EPROCESS.Token, an _EX_FAST_REF, into Object, RefCnt and Value', () => {
    const l = lab();
    const ep = describeObject(l.sys, { kind: 'EPROCESS', pid: l.pid })!;
    const token = ep.fields.find((f) => f.name === 'Token')!.value as bigint;
    const out = l.run('dt -r1 nt!_EPROCESS @$proc Token');
    expect(out[1]).toMatch(/^ {3}\+0x4b8 Token +: _EX_FAST_REF$/);
    expect(out.slice(2)).toEqual([
      `      +0x000 Object : 0x${pointer(token)} Void`,
      `      +0x000 RefCnt : 0y${(token & 0xFn).toString(2).padStart(4, '0')}`,
      `      +0x000 Value  : 0x${token.toString(16)}`,
    ]);
    expect(l.run('dt nt!_EPROCESS @$proc Token')).toHaveLength(2);
  });
});
