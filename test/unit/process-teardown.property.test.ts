/**
 * Creating and terminating processes, threads and jobs at random leaks nothing: every physical page
 * comes back to the free/zeroed lists, paging-file slots are freed, commit returns, handles and
 * objects go away, and the invariants hold after every operation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSystem, CREATE_SUSPENDED, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, verifyIntegrity, type System } from '../../src/engine';
import { PFN_PROTOTYPE_PTE } from '../../src/engine/mm/pfn';
import { machineOf } from '../../src/engine/testing';

type Op =
  | { t: 'create'; image: number; suspended: boolean; parent: number }
  | { t: 'terminate'; which: number }
  | { t: 'thread'; which: number }
  | { t: 'exitThread'; which: number }
  | { t: 'touch'; which: number; pages: number }
  | { t: 'trim' }
  | { t: 'job'; which: number; limit: number; kill: boolean }
  | { t: 'closeJobs' }
  | { t: 'resume'; which: number }
  | { t: 'debugCreate'; image: number; onlyThis: boolean }
  | { t: 'debugAttach'; which: number }
  | { t: 'debugPump'; events: number }
  | { t: 'debugDetach'; which: number }
  | { t: 'lowToken'; which: number; image: number };

const IMAGES = ['notepad.exe', 'calc.exe', 'cmd.exe', 'C:\\Users\\Public\\hello.bat', 'Taskmgr.exe'];
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('create' as const), image: fc.nat(IMAGES.length - 1), suspended: fc.boolean(), parent: fc.nat(20) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('terminate' as const), which: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('thread' as const), which: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('exitThread' as const), which: fc.nat(40) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('touch' as const), which: fc.nat(20), pages: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'trim' as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('job' as const), which: fc.nat(20), limit: fc.integer({ min: 0, max: 4 }), kill: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'closeJobs' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('resume' as const), which: fc.nat(40) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('debugCreate' as const), image: fc.nat(IMAGES.length - 1), onlyThis: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('debugAttach' as const), which: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('debugPump' as const), events: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('debugDetach' as const), which: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('lowToken' as const), which: fc.nat(20), image: fc.nat(IMAGES.length - 1) }) },
);

function run(sys: System, ops: Op[], check: boolean): void {
  const base = sys.processIds.length ? sys.processIds[0]! : 0;
  const mine: number[] = [];
  const jobs: number[] = [];
  const owner = sys.createProcess({ imagePath: 'cmd.exe' }).pid; // holds the job handles
  const k0 = sys.win32(owner);
  // A debugger: debuggees it creates or attaches to come and go with everything else.
  const debuggerPid = sys.createProcess({ imagePath: 'C:\\Program Files\\Windows Kits\\10\\Debuggers\\x64\\windbg.exe' }).pid;
  const kd = sys.win32(debuggerPid);
  const live = () => mine.filter((p) => sys.queryProcess(p));
  for (const op of ops) {
    const procs = live();
    const pick = (n: number) => procs.length ? procs[n % procs.length] : undefined;
    try {
      switch (op.t) {
        case 'create': {
          const parent = op.parent % 3 === 0 ? undefined : pick(op.parent) ?? base;
          mine.push(sys.createProcess({ imagePath: IMAGES[op.image]!, creationFlags: op.suspended ? CREATE_SUSPENDED : 0, parentPid: parent }).pid);
          break;
        }
        case 'terminate': { const p = pick(op.which); if (p) sys.psCall({ call: 'terminatePid', pid: p, exitCode: 1 }); break; }
        case 'thread': { const p = pick(op.which); if (p) sys.win32(p).CreateThread(0n, 0x140001000n, 0n, 0); break; }
        case 'exitThread': {
          const threads = procs.flatMap((p) => sys.queryProcess(p)!.threads.filter((t) => t.state !== 'Terminated').map((t) => t.tid));
          if (threads.length) sys.psCall({ call: 'exitThread', tid: threads[op.which % threads.length]!, exitCode: 0 });
          break;
        }
        case 'resume': {
          const threads = procs.flatMap((p) => sys.queryProcess(p)!.threads.filter((t) => t.state === 'Initialized').map((t) => t.tid));
          if (threads.length) sys.psCall({ call: 'resumeTid', tid: threads[op.which % threads.length]! });
          break;
        }
        case 'touch': {
          const p = pick(op.which);
          if (!p) break;
          const k = sys.win32(p);
          const va = k.VirtualAlloc(0n, BigInt(op.pages) * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
          for (let i = 0; va && i < op.pages; i++) k.WriteMemory(va + BigInt(i) * 4096n, new Uint8Array([i + 1]));
          break;
        }
        case 'trim': sys.memoryListCommand('MemoryEmptyWorkingSets'); sys.memoryListCommand('MemoryFlushModifiedList'); break;
        case 'job': {
          const p = pick(op.which);
          if (!p) break;
          const h = k0.CreateJobObject(null, null);
          jobs.push(h);
          k0.SetInformationJobObject(h, 2, { LimitFlags: (op.limit ? 8 : 0) | (op.kill ? 0x2000 : 0), ActiveProcessLimit: op.limit });
          k0.AssignProcessToJobObject(h, k0.OpenProcess(0x1FFFFF, false, p));
          break;
        }
        case 'closeJobs': for (const h of jobs.splice(0)) k0.CloseHandle(h); break;
        case 'debugCreate': {
          const info = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
          if (kd.CreateProcess(IMAGES[op.image]!, null, false, op.onlyThis ? 2 : 1, null, info)) {
            mine.push(info.dwProcessId);
            kd.CloseHandle(info.hProcess);
            kd.CloseHandle(info.hThread);
          }
          break;
        }
        case 'debugAttach': { const p = pick(op.which); if (p) kd.DebugActiveProcess(p); break; }
        case 'debugPump': {
          for (let i = 0; i < op.events; i++) {
            const e: { dwProcessId?: number; dwThreadId?: number; dwDebugEventCode?: number; u?: Record<string, { hFile?: number }> } = {};
            if (!kd.WaitForDebugEvent(e, 0)) break;
            // The debugger closes the file handles it is given, as a well-behaved one does.
            const hFile = e.u?.CreateProcessInfo?.hFile ?? e.u?.LoadDll?.hFile;
            if (hFile) kd.CloseHandle(hFile);
            kd.ContinueDebugEvent(e.dwProcessId!, e.dwThreadId!, 0x00010002);
          }
          break;
        }
        case 'debugDetach': { const p = pick(op.which); if (p) kd.DebugActiveProcessStop(p); break; }
        case 'lowToken': {
          const p = pick(op.which);
          if (!p) break;
          const k = sys.win32(p);
          const own = { value: 0 };
          const dup = { value: 0 };
          if (!k.OpenProcessToken(-1, 0xF01FF, own)) break;
          if (k.DuplicateTokenEx(own.value, 0, null, 2, 1, dup)) {
            k.SetTokenInformation(dup.value, 25, { Label: { Sid: 'S-1-16-4096' } });
            const info = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
            if (k.CreateProcessAsUser(dup.value, IMAGES[op.image]!, null, false, 0, null, info)) { mine.push(info.dwProcessId); k.CloseHandle(info.hProcess); k.CloseHandle(info.hThread); }
            k.CloseHandle(dup.value);
          }
          k.CloseHandle(own.value);
          break;
        }
      }
    } catch (e) {
      // Creation can fail for real reasons (a job's process limit, the commit limit); nothing may leak then either.
      if (!(e instanceof Error) || !('code' in e)) throw e;
    }
    if (check) expect(verifyIntegrity(sys)).toEqual([]);
  }
  // Tear everything down: all of our processes (and the job owner) exit.
  for (const p of live()) sys.psCall({ call: 'terminatePid', pid: p, exitCode: 0 });
  sys.psCall({ call: 'terminatePid', pid: owner, exitCode: 0 });
  if (sys.queryProcess(debuggerPid)) sys.psCall({ call: 'terminatePid', pid: debuggerPid, exitCode: 0 });
}

describe('processes come and go without leaks', () => {
  it('pages, paging-file slots, commit, handles and objects all return (boot: false)', () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 20, maxLength: 80 }), (ops) => {
      const sys = createSystem({ boot: false, physicalMemoryMB: 8, pageFileMB: 16, seed: 11 });
      const commit = sys.queryCommit().CommitTotal;
      const poolAtStart = sys.querySystemSpace()!.commit.pool;
      run(sys, ops, true);
      expect(verifyIntegrity(sys)).toEqual([]);
      expect(sys.processCount).toBe(0);
      // Commit returns but for the pool pages that still hold the sections the system keeps (paged pool 'Sect');
      // no kernel stack, system PTE or pool block of a process, thread, token or job is left.
      const space = sys.querySystemSpace()!;
      expect(space.commit.kernelStacks).toBe(0);
      expect(space.systemPtes.inUse).toBe(0);
      for (const t of space.tags) if (t.tag !== 'Sect') expect([t.tag, t.nonPagedBytes, t.pagedBytes]).toEqual([t.tag, 0, 0]);
      expect(sys.queryCommit().CommitTotal).toBe(commit + space.commit.pool - poolAtStart);
      expect(machineOf(sys).mm.pageFileUsed).toBe(0);
      expect(machineOf(sys).ps.jobs.size).toBe(0);
      expect(machineOf(sys).ps.debugObjects.size).toBe(0);
      expect(machineOf(sys).ps.consoles.size).toBe(0);
      expect(machineOf(sys).ps.tokens.size).toBe(0);
      // Every page is back on a list, except image pages still cached in the prototype PTEs of the
      // sections the system keeps (ntdll, the KnownDlls).
      const { mm } = machineOf(sys);
      // and the pool pages holding those sections (with their page tables).
      const poolPages = new Set<number>();
      const sysSpace = mm.systemSpace!;
      for (const region of [sysSpace.nonPaged, sysSpace.paged]) {
        for (const table of region.tables) if (table >= 0) poolPages.add(table);
        for (let i = 0; i < region.highWater; i++) { const pfn = sysSpace.residentPfn(mm, region, i); if (pfn >= 0) poolPages.add(pfn); }
      }
      for (let pfn = 0; pfn < sys.physicalPageCount; pfn++) {
        if (sys.queryPfn(pfn).State === 'Active' && !poolPages.has(pfn)) expect(mm.pfn.flags[pfn]! & PFN_PROTOTYPE_PTE, `pfn ${pfn}`).not.toBe(0);
      }
      // What is left in the object manager: the permanent sections and nothing a process or job made.
      for (const h of machineOf(sys).ps.ob.objects.values()) expect(h.typeName).toBe('Section');
    }), { numRuns: 40, seed: 5 });
  });

  it('on a booted system, a burst of processes terminated again leaves the memory lists as they were', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    sys.createProcess({ imagePath: 'notepad.exe' });
    sys.createProcess({ imagePath: 'calc.exe' });
    const before = sys.querySystemMemoryListInformation();
    const commit = sys.queryCommit().CommitTotal;
    const pids: number[] = [];
    for (let i = 0; i < 30; i++) pids.push(sys.createProcess({ imagePath: i % 2 ? 'notepad.exe' : 'calc.exe' }).pid);
    for (const pid of pids) sys.psCall({ call: 'terminatePid', pid, exitCode: 0 });
    const after = sys.querySystemMemoryListInformation();
    expect(after.FreePageCount + after.ZeroPageCount).toBe(before.FreePageCount + before.ZeroPageCount);
    expect(sys.queryCommit().CommitTotal).toBe(commit);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
