// Makes the simulation take a page fault of a given kind, the way a program would: allocate,
// touch, trim the working set, flush the modified list... in a small lab process of its own, so the
// learner's processes are left alone. Pure: engine API only.
import { FILE_MAP_COPY, FILE_MAP_READ, FILE_MAP_WRITE, MEM_COMMIT, MEM_RESERVE, NtException, PAGE_GUARD, PAGE_READWRITE, PAGE_SIZE_N, type System } from '../../engine';
import type { CausableFaultKind } from '../../shared/protocol';
import { faultKindOf } from '../present/names';

/** The image the lab's own faults happen in: a Notepad started for the purpose (an image the simulated disk has). */
export const LAB_IMAGE = 'C:\\Windows\\System32\\notepad.exe';

/** What happened: the seq of the fault step of that kind, or why there is none. */
export type CauseResult = { seq: number } | { unsupported: true } | { failed: string };

const labPids = new WeakMap<System, number>();

/** The lab process of this system (created once, with a command line that says what it is for). */
function labProcess(system: System): number {
  const known = labPids.get(system);
  if (known !== undefined && system.queryProcess(known)) return known;
  const { pid } = system.createProcess({ imagePath: LAB_IMAGE, commandLine: 'notepad.exe /ntlab-fault-lab' });
  labPids.set(system, pid);
  return pid;
}

const BYTES = new Uint8Array([0x4e, 0x54, 0x4c, 0x61, 0x62]); // "NTLab"

/** Runs the scenario for `kind` on the live system; returns the newest step of that kind it recorded. */
export function causeFault(system: System, kind: CausableFaultKind): CauseResult {
  const from = system.stepCount;
  try {
    const pid = labProcess(system);
    const api = system.win32(pid);
    const alloc = (protect: number, type = MEM_COMMIT | MEM_RESERVE): bigint => {
      const base = api.VirtualAlloc(0n, 0x10000n, type, protect);
      if (base === 0n) throw new Error(`VirtualAlloc failed (${api.GetLastError()})`);
      return base;
    };
    const touch = (fn: () => void): void => {
      try { fn(); } catch (e) { if (!(e instanceof NtException)) throw e; }
    };
    switch (kind) {
      case 'demandZero': {
        const base = alloc(PAGE_READWRITE);
        api.WriteMemory(base + PAGE_SIZE_N, BYTES);
        break;
      }
      case 'transition': {
        const base = alloc(PAGE_READWRITE);
        api.WriteMemory(base, BYTES);
        api.SetProcessWorkingSetSize(-1n, -1n); // trim: the dirty page goes to the modified list
        api.ReadMemory(base, BYTES.length);
        break;
      }
      case 'pageFile': {
        const base = alloc(PAGE_READWRITE);
        api.WriteMemory(base, BYTES);
        api.SetProcessWorkingSetSize(-1n, -1n);
        system.memoryListCommand('MemoryFlushModifiedList'); // written to the paging file (or the compression store), now on standby
        if (system.queryMemoryCompression().Enabled) {
          // With memory compression on, a private page goes into the store, not the paging file; but the store's own
          // pages are pageable (Windows Internals 7e ch. 5, "Memory compression"): emptying the working sets and
          // flushing again writes them to the paging file, so reading the page first hard-faults the store page back
          // into Memory Compression, then decompresses it. Twice: the first flush compresses the other processes'
          // trimmed pages, and packing them touches the store's pages again.
          for (let i = 0; i < 2; i++) {
            system.memoryListCommand('MemoryEmptyWorkingSets');
            system.memoryListCommand('MemoryFlushModifiedList');
          }
        }
        system.memoryListCommand('MemoryPurgeStandbyList'); // the frame is reused: only the paging file has it
        api.ReadMemory(base, BYTES.length);
        break;
      }
      case 'store': {
        // Memory compression: the trimmed page is compressed into the store; with its frame reused, reading it is
        // a fault the store manager satisfies by decompression (SmPageRead).
        if (!system.queryMemoryCompression().Enabled) return { unsupported: true };
        const base = alloc(PAGE_READWRITE);
        api.WriteMemory(base, BYTES);
        api.SetProcessWorkingSetSize(-1n, -1n);
        system.memoryListCommand('MemoryFlushModifiedList');
        system.memoryListCommand('MemoryPurgeStandbyList');
        api.ReadMemory(base, BYTES.length);
        break;
      }
      case 'guardPage': {
        const base = alloc(PAGE_READWRITE | PAGE_GUARD);
        touch(() => api.ReadMemory(base, 1));
        break;
      }
      case 'accessViolation': {
        const base = alloc(PAGE_READWRITE, MEM_RESERVE);
        touch(() => api.ReadMemory(base, 1));
        break;
      }
      case 'prototype':
      case 'copyOnWrite': {
        // A pagefile-backed section (CreateFileMapping with INVALID_HANDLE_VALUE) and a view of it: the first
        // read resolves through the prototype PTE; in a FILE_MAP_COPY view the first write then copies the page.
        const h = api.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n);
        if (!h) return { failed: `CreateFileMapping failed (${api.GetLastError()})` };
        const view = api.MapViewOfFile(h, kind === 'prototype' ? FILE_MAP_READ | FILE_MAP_WRITE : FILE_MAP_COPY, 0n, 0x10000n);
        api.CloseHandle(h); // the view keeps the section alive
        if (view === 0n) return { failed: `MapViewOfFile failed (${api.GetLastError()})` };
        touch(() => api.ReadMemory(view, 1));
        if (kind === 'copyOnWrite') touch(() => api.WriteMemory(view, BYTES));
        break;
      }
      default: {
        const never: never = kind;
        return { failed: String(never) };
      }
    }
  } catch (e) {
    return { failed: e instanceof Error ? e.message : String(e) };
  }
  const steps = system.getSteps(from, system.stepCount);
  for (let i = steps.length - 1; i >= 0; i--) if (faultKindOf(steps[i]!.code) === kind) return { seq: steps[i]!.seq };
  return { unsupported: true };
}
