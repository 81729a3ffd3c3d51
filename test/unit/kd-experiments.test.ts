// Each experiment of demo/experiments.en.md run against a booted session: the commands come from
// the document (its ```kd blocks, `<...>` filled in as a learner would from earlier output), the
// checks are the facts the experiment teaches, not the exact text. The zh-cn page must carry the
// same experiments with the same commands.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSystem, describeObject, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, type System } from '../../src/engine';
import { runKd, type KdState, type KdView } from '../../src/extension/kd/kd';
import { pointer, pointerDigits } from '../../src/extension/present/format';

const root = path.resolve(__dirname, '../..');

/** Experiment id -> its command lines, in order (the `kd> ` lines of its code blocks). */
function experiments(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of fs.readFileSync(path.join(root, file), 'utf8').split('\n')) {
    const h = /^### (exp-\d-\d+):/.exec(line);
    if (h) { current = []; out.set(h[1]!, current); continue; }
    const k = /^kd> (.*)$/.exec(line);
    if (k && current) current.push(k[1]!);
  }
  return out;
}

const EN = experiments('demo/experiments.en.md');

interface Machine { sys: System; notepad: number; explorer: number; fill: Record<string, string> }

function machine(): Machine {
  const sys = createSystem({ seed: 1 });
  const explorer = sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName === 'explorer.exe')!;
  const notepad = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', parentPid: explorer }).pid;
  const n = sys.queryProcess(notepad)!;
  const e = sys.queryProcess(explorer)!;
  return {
    sys, notepad, explorer,
    fill: {
      'PROCESS address of notepad.exe': pointerDigits(n.eprocess), 'PROCESS address of explorer.exe': pointerDigits(e.eprocess),
      'Cid of notepad.exe': notepad.toString(16).padStart(4, '0'),
    },
  };
}

/** Runs an experiment's commands on the present, following its time travel; returns each command's output. */
function run(m: Machine, id: string, extra: Record<string, string> = {}, between?: (index: number) => void): string[][] {
  const lines = EN.get(id);
  expect(lines, `${id} in experiments.en.md`).toBeDefined();
  const state: KdState = {};
  let cursor: number | undefined;
  const outputs: string[][] = [];
  lines!.forEach((raw, i) => {
    between?.(i);
    const line = raw.replace(/<([^>]+)>/g, (_all, key: string) => {
      const v = extra[key] ?? m.fill[key];
      if (v === undefined) throw new Error(`${id}: nothing to fill <${key}>`);
      return v;
    });
    const view: KdView = { system: cursor === undefined ? m.sys : m.sys.stateAt(cursor), live: m.sys, cursor };
    const r = runKd(view, state, line);
    if (r.travel) cursor = r.travel.seq;
    outputs.push(r.lines);
  });
  return outputs;
}

describe('kernel-debugger experiments (demo/experiments.en.md)', () => {
  it('the zh-cn page has the same experiments with the same commands', () => {
    const zh = experiments('demo/experiments.zh-cn.md');
    expect([...zh.keys()]).toEqual([...EN.keys()]);
    for (const [id, cmds] of EN) expect(zh.get(id), id).toEqual(cmds);
    expect(EN.size).toBeGreaterThanOrEqual(14);
  });

  it('exp-2-1: KPROCESS is the first field of EPROCESS and holds the directory base', () => {
    const m = machine();
    const [pcb, kprocess, , expanded] = run(m, 'exp-2-1');
    expect(pcb!.join('\n')).toMatch(/\+0x000 Pcb +: _KPROCESS/);
    expect(kprocess![0]).toBe('nt!_KPROCESS');
    const dtb = expanded!.find((l) => /DirectoryTableBase/.test(l))!;
    expect(BigInt('0x' + /: 0x([0-9a-f]+)$/.exec(dtb)![1]!)).toBe(BigInt(m.sys.queryProcess(m.notepad)!.directoryTableBase) * 4096n);
  });

  it('exp-2-2: ntdll.dll is at the same address in explorer.exe and notepad.exe', () => {
    const m = machine();
    const out = run(m, 'exp-2-2');
    const ntdll = (lm: string[]): string => lm.find((l) => / ntdll +\(deferred\)/.test(l))!.slice(0, 17);
    expect(ntdll(out[2]!)).toBe(ntdll(out[4]!));
  });

  it('exp-3-1: EPROCESS offsets of UniqueProcessId and ImageFileName', () => {
    const m = machine();
    const [layout, fields] = run(m, 'exp-3-1');
    expect(layout!.join('\n')).toMatch(/\+0x440 UniqueProcessId/);
    expect(layout!.join('\n')).toMatch(/\+0x448 ActiveProcessLinks/);
    expect(fields!.join('\n')).toMatch(/\+0x5a8 ImageFileName +: "System"/);
  });

  // PsActiveProcessHead does not hold the Idle process (ReactOS wiki, "Idle Process"): the dump lists all but pid 0.
  it('exp-3-2: !process lists every process on the active process list; notepad\'s parent is explorer', () => {
    const m = machine();
    const [all, one, detail] = run(m, 'exp-3-2');
    expect(all!.filter((l) => l.startsWith('PROCESS '))).toHaveLength(m.sys.processIds.filter((pid) => pid !== 0).length);
    expect(one![2]).toContain(`ParentCid: ${m.explorer.toString(16).padStart(4, '0')}`);
    expect(detail!.some((l) => l.includes('Working Set Sizes'))).toBe(true);
    expect(detail!.filter((l) => l.trim().startsWith('THREAD '))).toHaveLength(m.sys.queryProcess(m.notepad)!.threads.length);
  });

  it('exp-3-3: the PEB\'s image base is the first module; the command line is there', () => {
    const m = machine();
    const [, peb] = run(m, 'exp-3-3');
    const base = /ImageBaseAddress: +([0-9a-f]+)/.exec(peb!.join('\n'))![1]!;
    const firstModule = peb!.find((l) => /Jan 01/.test(l))!.trim().split(/\s+/)[0]!;
    expect(BigInt('0x' + base)).toBe(BigInt('0x' + firstModule));
    expect(peb!.join('\n')).toMatch(/CommandLine: +'.*notepad/i);
  });

  it('exp-3-4: !thread and the TEB agree on the client id; the TEB points at the PEB', () => {
    const m = machine();
    const [, thread, teb] = run(m, 'exp-3-4');
    const tid = m.sys.queryProcess(m.notepad)!.threads[0]!.tid;
    expect(thread![0]).toContain(`Cid ${m.notepad.toString(16).padStart(4, '0')}.${tid.toString(16).padStart(4, '0')}`);
    expect(teb!.join('\n')).toContain(`ClientId:             ${m.notepad.toString(16).padStart(16, '0')} . ${tid.toString(16).padStart(16, '0')}`);
    expect(teb!.join('\n')).toContain(`PEB Address:          ${pointerDigits(m.sys.queryProcess(m.notepad)!.peb)}`);
  });

  it('exp-3-5: notepad.exe is absent at position 0 and present at the end; k shows a creation chain', () => {
    const m = machine();
    const [, before, , after, back, stack] = run(m, 'exp-3-5');
    expect(before!.filter((l) => l.startsWith('PROCESS '))).toEqual([]);
    expect(after!.filter((l) => l.startsWith('PROCESS '))).toHaveLength(1);
    expect(back![0]).toMatch(/^Setting position: [0-9A-F]+:0$/);
    expect(stack![0]).toBe(' # Call Site');
    // What the text says k shows: at a fault stop the fault path, at a creation stop the creation routines.
    const seq = parseInt(/^Setting position: ([0-9A-F]+):0$/.exec(back![0]!)![1]!, 16);
    const step = m.sys.getSteps(seq, seq + 1)[0]!;
    expect(stack![1]).toBe(`00 ${stack![1]!.slice(3, stack![1]!.indexOf('!'))}!${step.routine}`);
    if (step.kind === 'pageFault') {
      expect(stack!.slice(1).map((x) => x.slice(3))).toEqual(expect.arrayContaining(['nt!MmAccessFault', 'nt!KiPageFault']));
    } else {
      expect(step.stage).toBeDefined();
    }
    // Going on with g- reaches a step of notepad.exe's creation, whose stack shows creation routines.
    const state: KdState = {};
    let cursor: number | undefined;
    let creation: string[] | undefined;
    for (let i = 0; i < 200 && !creation; i++) {
      const r = runKd({ system: cursor === undefined ? m.sys : m.sys.stateAt(cursor), live: m.sys, cursor }, state, 'g-; k');
      cursor = r.travel?.seq;
      if (cursor === undefined) break;
      if (r.lines.some((x) => / nt!(PspAllocateProcess|NtCreateUserProcess|MmCreatePeb)$/.test(x))) creation = r.lines;
    }
    expect(creation, 'g- reaches a creation step').toBeDefined();
  });

  it('exp-3-6: explorer\'s handles and its token: a user SID at Medium integrity', () => {
    const m = machine();
    const tokenAddress = describeObject(m.sys, { kind: 'TOKEN', pid: m.explorer })!.address;
    const [, handles, token, integrity] = run(m, 'exp-3-6', { '_TOKEN address': pointer(tokenAddress) });
    expect(handles!.some((l) => l.startsWith('Handle table at '))).toBe(true);
    expect(token!.join('\n')).toMatch(/User: S-1-5-21-/);
    expect(token!).toContain(`_EPROCESS 0x${pointerDigits(m.sys.queryProcess(m.explorer)!.eprocess)}, _TOKEN 0x${pointerDigits(tokenAddress)}`);
    expect(integrity!.join('\n')).toMatch(/IntegrityLevelIndex +: \d+ \(Medium, S-1-16-8192\)/);
    // The label is a group of !token's list; IntegrityLevelIndex indexes UserAndGroups (entry 0 the user): one more.
    const index = Number(/IntegrityLevelIndex +: (\d+)/.exec(integrity!.join('\n'))![1]) - 1;
    const at = token!.indexOf(` ${String(index).padStart(2, '0')} S-1-16-8192`);
    expect(at).toBeGreaterThan(token!.indexOf('Groups:'));
    expect(token![at + 1]).toBe('    Attributes - GroupIntegrity GroupIntegrityEnabled');
    const admins = token!.findIndex((l) => / S-1-5-32-544$/.test(l));
    expect(token![admins + 1]).toBe('    Attributes - UseForDenyOnly');
  });

  it('exp-3-7: !process names the job and !job lists notepad.exe', () => {
    const m = machine();
    const k = m.sys.win32(m.explorer);
    const job = k.CreateJobObject(null, 'Local\\Experiment');
    const h = k.OpenProcess(0x1FFFFF, false, m.notepad);
    expect(k.AssignProcessToJobObject(job, h)).toBe(true);
    const info = m.sys.queryJobs()[0]!;
    const [proc, , j] = run(m, 'exp-3-7');
    expect(proc!.join('\n')).toContain(`Job                               ${pointerDigits(info.address)}`);
    expect(j![0]).toBe(`Job at ${pointerDigits(info.address)}`);
    expect(j!).toContain(`    PROCESS ${pointerDigits(m.sys.queryProcess(m.notepad)!.eprocess)}`);
  });

  it('exp-5-1: !pfn\'s pteaddress is the PTE address !pte shows; !vtop ends on pfn * 0x1000', () => {
    const m = machine();
    const peb = m.sys.queryProcess(m.notepad)!.peb;
    const pfn = m.sys.walkAddress(m.notepad, peb).pfn!;
    const [, pte, vtop, pfnOut, db] = run(m, 'exp-5-1', { 'pfn of the PTE column': pfn.toString(16) });
    const pteAt = /PTE at ([0-9A-F]+)/.exec(pte![1]!)![1]!;
    expect(pfnOut![1]).toContain(`pteaddress ${pteAt}`);
    expect(vtop![vtop!.length - 1]).toContain(`physical address ${(BigInt(pfn) * 4096n).toString(16)}.`);
    expect(db![0]).not.toContain('??');
  });

  it('exp-5-2: the PEB is in a private VAD; images are Mapped Exe', () => {
    const m = machine();
    const [, vad, address] = run(m, 'exp-5-2');
    expect(vad!.filter((l) => /Mapped {2}Exe/.test(l)).length).toBe(m.sys.queryVads(m.notepad).filter((v) => v.vadType === 'VadImageMap').length);
    expect(address!.join('\n')).toMatch(/Type: +00020000 +MEM_PRIVATE/);
  });

  it('exp-5-3: !wsle lists as many entries as the working set size', () => {
    const m = machine();
    const [, wsle, proc] = run(m, 'exp-5-3');
    const size = Number(/Working Set Sizes \(now,min,max\) +\((\d+),/.exec(proc!.join('\n'))![1]);
    expect(wsle!.filter((l) => / pfn [0-9a-f-]+$/.test(l))).toHaveLength(size);
    expect(size).toBe(m.sys.queryWorkingSet(m.notepad).total);
  });

  it('exp-5-4: the page lists add up to physical memory; commit stays under the limit', () => {
    const m = machine();
    const [mu, vm] = run(m, 'exp-5-4');
    const n = (label: string): number => Number(/:\s+(\d+)/.exec(mu!.find((l) => l.trim().startsWith(label + ':'))!)![1]);
    expect(['Zeroed', 'Free', 'Standby', 'Modified', 'ModifiedNoWrite', 'Active/Valid', 'Bad'].reduce((a, k) => a + n(k), 0)).toBe(n('TOTAL'));
    expect(n('TOTAL')).toBe(m.sys.physicalPageCount);
    const pages = (label: string): number => Number(/:\s+(\d+)/.exec(vm!.find((l) => l.trim().startsWith(label))!)![1]);
    expect(pages('Committed pages')).toBeLessThan(pages('Commit limit'));
  });

  it('exp-5-5: not valid, valid after the write, in transition after trimming; db does not fault it back', () => {
    const m = machine();
    const va = m.sys.win32(m.notepad).VirtualAlloc(0n, 0x1000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    const fill = { 'a committed page never touched': pointer(va), 'that address': pointer(va) };
    const out = run(m, 'exp-5-5', fill, (i) => { if (i === 4) m.sys.memoryListCommand('MemoryEmptyWorkingSets'); });
    expect(out[1]!.join('\n')).toContain('not valid');
    expect(out[3]![3]).toMatch(/pfn [0-9a-f]+ +-+DA--UW-V$/);
    expect(out[4]!.join('\n')).toMatch(/Transition: [0-9a-f]+/);
    const steps = m.sys.stepCount;
    expect(out[5]![0]).toContain('??');
    expect(m.sys.stepCount).toBe(steps);
  });

  it('exp-5-6: ntdll.dll has one control area with a view per process mapping it', () => {
    const m = machine();
    const ntdll = m.sys.querySections().find((s) => s.file?.endsWith('ntdll.dll'))!;
    const [, ca] = run(m, 'exp-5-6', { 'ControlArea of ntdll.dll': ntdll.controlArea.toString(16) });
    const mapping = m.sys.processIds.filter((p) => m.sys.queryVads(p).some((v) => ntdll.views.some((w) => w.pid === p && w.base === v.start)));
    expect(ca!.filter((l) => l.startsWith('  pid '))).toHaveLength(mapping.length);
    expect(mapping.length).toBeGreaterThan(3);
  });

  it('exp-5-7: a write to a PAGE_WRITECOPY page of ntdll gives notepad.exe its own copy; explorer.exe keeps the shared original', () => {
    const m = machine();
    const ntdll = m.sys.querySections().find((s) => s.file?.endsWith('ntdll.dll'))!;
    const base = ntdll.views.find((v) => v.pid === m.notepad)!.base;
    const size = ntdll.views.find((v) => v.pid === m.notepad)!.size;
    // The first still-shared (PAGE_WRITECOPY) page of the image, as the text tells the learner to pick.
    let va = base;
    while (va < base + size && m.sys.win32(m.notepad).VirtualQuery(va)!.Protect !== 0x08) va += 0x1000n;
    expect(va).toBeLessThan(base + size);
    // Both processes have touched the page (a debugger shows only resident pages).
    const original = m.sys.win32(m.explorer).ReadMemory(va, 1)[0]!;
    m.sys.win32(m.notepad).ReadMemory(va, 1);
    const shared = m.sys.walkAddress(m.explorer, va).pfn!;
    expect(m.sys.walkAddress(m.notepad, va).pfn).toBe(shared);
    const out = run(m, 'exp-5-7', { 'ntdll .data address': pointer(va) });
    const pfnOf = (pte: string[]): string => /pfn ([0-9a-f]+) +\S+$/.exec(pte[3]!)![1]!;
    expect(out[1]!.some((x) => x.includes(' ntdll '))).toBe(true);
    expect(out[2]).toContain('Protect:                00000008          PAGE_WRITECOPY');
    expect(pfnOf(out[3]!)).toBe(shared.toString(16));
    expect(out[6]![0]).toMatch(new RegExp(`^${pointer(va)}  41 `));
    expect(pfnOf(out[7]!)).not.toBe(shared.toString(16));
    expect(pfnOf(out[7]!)).toBe(m.sys.walkAddress(m.notepad, va).pfn!.toString(16));
    expect(out[9]![0]).toMatch(new RegExp(`^${pointer(va)}  ${original.toString(16).padStart(2, '0')} `));
    expect(pfnOf(out[10]!)).toBe(shared.toString(16));
    // The PEB_LDR_DATA page the text mentions: inside ntdll's image and already private (PAGE_READWRITE).
    const ldr = m.sys.queryProcess(m.notepad)!;
    const ldrAddress = BigInt(describeObject(m.sys, { kind: 'PEB', pid: ldr.pid })!.fields.find((f) => f.name === 'Ldr')!.value as bigint);
    expect(ldrAddress >= base && ldrAddress < base + size).toBe(true);
    expect(m.sys.win32(m.notepad).VirtualQuery(ldrAddress)!.Protect).toBe(0x04);
  });
});
