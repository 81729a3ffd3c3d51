// The image loader in ntdll (LdrInitializeThunk -> LdrpInitialize -> LdrpInitializeProcess): the process heap, PEB_LDR_DATA
// and the LDR_DATA_TABLE_ENTRY lists, the static imports breadth first (LdrpLoadDll), the loader breakpoint
// and the entry point. Resumable when a debugger holds it. Windows Internals 7e ch. 3, "Image loader".
import { PAGE_SIZE, PAGE_SIZE_N } from '../constants';
import { FILE_MAP_READ, LOAD_DLL_DEBUG_EVENT } from '../constants';
import { createLoaderHeap as createProcessHeap } from '../heap/processHeaps';
import type { SimFile } from '../io/fileSystem';
import { IMAGE_SUBSYSTEM_NATIVE, IMAGE_SUBSYSTEM_WINDOWS_GUI, PeFormatError } from '../io/pe';
import { mapView } from '../mm/sectionApi';
import type { ProcessObject } from '../process';
import { initializeConsole } from './console';
import { blockOnDebugger, debugObjectOf, postLoaderBreakpoint, queueEvent } from './debug';
import { dropSection, imageBaseFor, imageSection, parse } from './images';
import { SYSTEM32, SYSTEM32_PREFIX, baseName } from './paths';
import type { ProcessManager } from './processManager';
import { PsProcessState } from './state';
import { insertHandle } from './handles';
import { releaseThread } from './threads';
import { LDR_DATA_TABLE_ENTRY, LOADER_ENTRY_CAPACITY, LOADER_IN_HEAP, PEB, PEB_LDR_DATA, loaderEntryOffset } from './userLayout';
import { put64, putUtf16, writeUser, writeUserAt } from './userMemory';
import { NonPagedPool, tagValue } from '../mm/pool';

/** Where the simulation puts ntdll!PebLdr inside ntdll's .data section. */
const PEB_LDR_IN_NTDLL_DATA = 0x1C0;

/** The address of LDR_DATA_TABLE_ENTRY k in the process heap at `heap`. */
function loaderEntry(heap: number, k: number): number { return heap + loaderEntryOffset(k); }

/**
 * One LIST_ENTRY of the loader's lists (0 load, 1 memory, 2 initialization order) as it is once
 * entries 0..last exist: of the head in PEB_LDR_DATA (k = -1) or of entry k. The heads sit 0x10 above
 * the matching links in an entry; the initialization-order list has no image (.exe, entry 0).
 */
function writeLoaderLinks(v: DataView, at: number, ldr: number, heap: number, list: number, k: number, last: number): void {
  const first = list === 2 ? 1 : 0;
  if (k >= 0 && k < first) return; // not on this list
  const headLink = ldr + PEB_LDR_DATA.InLoadOrderModuleList + 0x10 * list;
  const link = (e: number): number => loaderEntry(heap, e) + 0x10 * list;
  const flink = k < 0 ? (last >= first ? link(first) : headLink) : k < last ? link(k + 1) : headLink;
  const blink = k < 0 ? (last >= first ? link(last) : headLink) : k > first ? link(k - 1) : headLink;
  put64(v, at, flink);
  put64(v, at + 8, blink);
}

/** Whether no VAD of `p` intersects [base, base + size) (every page, not only the first). */
function imageRangeFree(p: ProcessObject, base: bigint, size: number): boolean {
  const first = Number(base / PAGE_SIZE_N);
  const last = first + Math.max(1, Math.ceil(size / PAGE_SIZE)) - 1;
  const v = p.vads.ceiling(first);
  return !(v && v.startVpn <= last);
}

/** The loader's DLL search: System32 (KnownDlls), then the application's directory. */
export function findDll(pm: ProcessManager, key: string, appDir: string): SimFile | undefined {
  const fs = pm.ctx.fs;
  const id = pm.knownDllFiles.get(key);
  if (id !== undefined) {
    const f = fs.getFileById(id);
    if (f) return f;
  }
  const f = fs.getFile(`${SYSTEM32}\\${key}`);
  if (f) { pm.knownDllFiles.set(key, f.fileId); return f; }
  return fs.getFile(`${appDir}\\${key}`);
}

/**
 * The loader's lists in memory (LdrpInsertDataTableEntry): PEB_LDR_DATA and one LDR_DATA_TABLE_ENTRY
 * per module in load order, linked in three circular lists, with the names' UNICODE_STRING buffers,
 * so what `dt` prints is what a read of the process's memory finds. Writes the header, the newest
 * entry and its neighbour's links; a module that does not fit the loader's committed heap is listed
 * by the dt layout only.
 */
export function writeLoaderData(pm: ProcessManager, p: ProcessObject): void {
  const st = pm.state(p);
  const i = st.modules.length - 1;
  if (i >= LOADER_ENTRY_CAPACITY) return; // listed by the dt layout only
  // User addresses are below 2^47: plain numbers are exact here and cheaper than bigints.
  const ldr = Number(st.ldr);
  const heap = Number(st.heap);
  const head = new Uint8Array(PEB_LDR_DATA.size);
  const hv = new DataView(head.buffer);
  hv.setUint32(PEB_LDR_DATA.Length, PEB_LDR_DATA.size, true);
  hv.setUint8(PEB_LDR_DATA.Initialized, 1);
  for (let list = 0; list < 3; list++) writeLoaderLinks(hv, PEB_LDR_DATA.InLoadOrderModuleList + 0x10 * list, ldr, heap, list, -1, i);
  writeUserAt(pm, p, ldr, head);
  if (i < 0) return;
  // The predecessor's forward links now come to the new entry (its three LIST_ENTRYs, rewritten whole).
  if (i > 0) {
    const prev = new Uint8Array(0x30);
    const pv = new DataView(prev.buffer);
    for (let list = 0; list < 3; list++) writeLoaderLinks(pv, 0x10 * list, ldr, heap, list, i - 1, i);
    writeUserAt(pm, p, loaderEntry(heap, i - 1), prev);
  }
  const m = st.modules[i]!;
  const bytes = new Uint8Array(LDR_DATA_TABLE_ENTRY.size);
  const v = new DataView(bytes.buffer);
  for (let list = 0; list < 3; list++) writeLoaderLinks(v, LDR_DATA_TABLE_ENTRY.InLoadOrderLinks + 0x10 * list, ldr, heap, list, i, i);
  v.setBigUint64(LDR_DATA_TABLE_ENTRY.DllBase, m.base, true);
  v.setBigUint64(LDR_DATA_TABLE_ENTRY.EntryPoint, m.entryPoint, true);
  v.setUint32(LDR_DATA_TABLE_ENTRY.SizeOfImage, m.size, true);
  // The names' buffers, full then base name, one after the other (no room left: empty UNICODE_STRINGs).
  const full = m.path.length * 2;
  const base = m.name.length * 2;
  const at = st.ldrNames;
  const baseAt = at + ((full + 2 + 7) & ~7);
  const end = baseAt + ((base + 2 + 7) & ~7);
  // Once a name does not fit, no later one is written (so the dt layout knows which entries have names).
  if (st.ldrNamesWritten === i && end <= heap + LOADER_IN_HEAP.end) {
    st.ldrNamesWritten++;
    const names = new Uint8Array(end - at);
    putUtf16(names, 0, m.path);
    putUtf16(names, baseAt - at, m.name);
    writeUserAt(pm, p, at, names);
    v.setUint16(LDR_DATA_TABLE_ENTRY.FullDllName, full, true);
    v.setUint16(LDR_DATA_TABLE_ENTRY.FullDllName + 2, full + 2, true);
    put64(v, LDR_DATA_TABLE_ENTRY.FullDllName + 8, at);
    v.setUint16(LDR_DATA_TABLE_ENTRY.BaseDllName, base, true);
    v.setUint16(LDR_DATA_TABLE_ENTRY.BaseDllName + 2, base + 2, true);
    put64(v, LDR_DATA_TABLE_ENTRY.BaseDllName + 8, baseAt);
    st.ldrNames = end;
  }
  writeUserAt(pm, p, loaderEntry(heap, i), bytes);
}

/** ntdll!PebLdr: at PEB_LDR_IN_NTDLL_DATA into ntdll's .data in this process, or undefined without ntdll. */
export function pebLdrAddress(pm: ProcessManager, st: PsProcessState): bigint | undefined {
  const ntdll = pm.ctx.fs.getFile(`${SYSTEM32}\\ntdll.dll`);
  if (!ntdll || !st.ntdllBase) return undefined;
  const pe = parse(pm, ntdll.fileId, ntdll.version, ntdll.data);
  if (pe instanceof PeFormatError) return undefined;
  const data = pe.sections.find((x) => x.name === '.data' && x.virtualSize >= PEB_LDR_IN_NTDLL_DATA + PEB_LDR_DATA.size);
  return data ? st.ntdllBase + BigInt(data.virtualAddress + PEB_LDR_IN_NTDLL_DATA) : undefined;
}

/**
 * LdrInitializeThunk, resumable: the process heap, the loader lists, the static imports breadth
 * first, the initial breakpoint and the entry point. A debugged process stops after each DLL it maps
 * (LOAD_DLL_DEBUG_EVENT) and at the loader breakpoint until its debugger continues.
 */
export function continueLoader(pm: ProcessManager, p: ProcessObject): void {
  const t = pm.trace;
  const st = pm.state(p);
  const saved = t.currentStage;
  t.currentStage = '7';
  try {
    while (st.loader && !p.exited) {
      const progress = st.loader;
      const thread = p.threads.find((x) => x.tid === progress.tid);
      if (!thread || thread.state === 'Terminated') { st.loader = null; return; }
      const dbg = debugObjectOf(pm, p);
      if (progress.phase === 'heap') {
        // The process heap (RtlCreateHeap, src/engine/heap): 1 MB reserved, the first 64 KB committed; the
        // loader's data is one busy block of it, from FirstEntry to the end of the committed part.
        const heap = createProcessHeap({ mm: pm.mm, p, trace: t, rng: pm.ctx.rng }, LOADER_IN_HEAP.end, LOADER_IN_HEAP.end - LOADER_IN_HEAP.firstEntry).base;
        st.heap = BigInt(heap);
        // PEB_LDR_DATA is ntdll's global PebLdr, in its .data section (written there, that page becomes
        // the process's own copy); the entries and their names come from the process heap.
        st.ldr = pebLdrAddress(pm, st) ?? st.heap + BigInt(LOADER_IN_HEAP.firstEntry - PEB_LDR_DATA.size);
        st.ldrNames = heap + LOADER_IN_HEAP.names;
        const pebPatch = new Uint8Array(8);
        new DataView(pebPatch.buffer).setBigUint64(0, st.ldr, true);
        writeUser(pm, p, p.peb + BigInt(PEB.Ldr), pebPatch);
        new DataView(pebPatch.buffer).setBigUint64(0, st.heap, true);
        writeUser(pm, p, p.peb + BigInt(PEB.ProcessHeap), pebPatch);
        t.step('create.heap')?.n(p.pid).a(heap).a(0x100000n).change('vad', p.pid, heap);
        // LdrpInitializeProcess opens \KnownDlls (DIRECTORY_QUERY | DIRECTORY_TRAVERSE) into LdrpKnownDllDirectoryHandle;
        // smss itself starts before it creates the directory and goes on without (public symbols of ntdll and smss).
        const knownDlls = pm.ob.lookup('\\KnownDlls');
        if (knownDlls && knownDlls.typeName === 'Directory') {
          const handle = insertHandle(pm, p, knownDlls.objectId, 0x3);
          t.step('create.openKnownDlls')?.n(p.pid).n(handle).a(knownDlls.address).change('process', p.pid);
        }
        // The loader: the image, ntdll, then the static imports, breadth first.
        const exeFile = pm.ctx.fs.getFileById(st.fileId);
        st.modules = [];
        writeLoaderData(pm, p);
        if (exeFile) { st.modules.push({ name: p.imageFileName, path: p.imagePath, base: st.imageBase, size: st.imageSize, entryPoint: st.entryPoint, fileId: st.fileId, mapped: st.sectionId !== 0 }); writeLoaderData(pm, p); }
        const exePe = exeFile ? parse(pm, exeFile.fileId, exeFile.version, exeFile.data) : undefined;
        progress.queue = ['ntdll.dll', ...(exePe && !(exePe instanceof PeFormatError) ? exePe.imports : [])];
        progress.phase = 'dlls';
        continue;
      }
      if (progress.phase === 'dlls') {
        const name = progress.queue.shift();
        if (name === undefined) { progress.phase = 'break'; continue; }
        const loaded = loadDll(pm, p, name, progress.seen);
        if (loaded && loaded.mappedNow && dbg) {
          queueEvent(pm, dbg, p, thread, { code: LOAD_DLL_DEBUG_EVENT, dllBase: loaded.base, fileId: loaded.fileId, imageName: loaded.path });
          blockOnDebugger(thread);
          return;
        }
        continue;
      }
      if (progress.phase === 'break') {
        // LdrpDoDebuggerBreak: after the static imports are mapped, before their initializers run.
        progress.phase = 'entry';
        if (dbg) { postLoaderBreakpoint(pm, p, thread, dbg); return; }
        continue;
      }
      // The DLL initializers: KernelBase's ConsoleInitialize attaches to a console or launches a conhost.exe.
      st.loader = null;
      if (st.console !== 'none' && st.console !== 'detached') { initializeConsole(pm, p); t.currentStage = '7'; }
      if (p.exited) return;
      // The first call into win32k converts the thread to a GUI thread (PsConvertToGuiThread) and win32k
      // allocates the W32PROCESS (0x128 bytes, the head of its larger PROCESSINFO; pool tag 'Uspi', USERTAG_PROCESSINFO): whatever the image's
      // subsystem, a process that loads USER32 or GDI32 makes that call while they initialize; one that never
      // does (cmd.exe) has none. Windows Internals 7e ch. 4, "Thread internals" (GUI threads); Part 2 ch. 8.
      if (!st.w32Process && st.modules.some((m) => /^(user32|gdi32)\.dll$/i.test(m.name))) {
        st.w32Process = pm.ob.allocatePool(0x300, NonPagedPool, tagValue('Uspi'));
        t.step('create.win32k')?.n(p.pid).a(st.w32Process).change('process', p.pid);
      }
      // The entry point: the thread continues at ntdll!RtlUserThreadStart, which calls kernel32!BaseThreadInitThunk
      // (Win32 processes), which calls the image's entry point. Windows Internals 7e ch. 3, stage 7.
      t.step('create.entryPoint')?.n(p.pid).n(thread.tid).a(st.entryPoint).change('thread', thread.tid);
      if (st.modules.some((m) => m.name.toLowerCase() === 'kernel32.dll')) t.step('create.baseThreadInitThunk')?.n(p.pid).n(thread.tid).a(st.entryPoint).change('thread', thread.tid);
      // The first instruction fetch at the entry point: a prototype PTE fault brings the code page in from the image.
      if (st.sectionId && st.entryPoint) pm.mm.translate(p, Number(st.entryPoint / PAGE_SIZE_N), false);
      // The program now waits for input: GUI threads in win32k (WrUserRequest), console programs on a read.
      thread.state = 'Waiting';
      thread.waitReason = st.subsystem === IMAGE_SUBSYSTEM_WINDOWS_GUI ? 'WrUserRequest' : st.subsystem === IMAGE_SUBSYSTEM_NATIVE ? 'WrLpcReceive' : 'UserRequest';
    }
  } finally {
    t.currentStage = saved;
  }
}

/** LdrpLoadDll for one name of the queue: map it (unless already mapped), list it, queue its imports. */
export function loadDll(pm: ProcessManager, p: ProcessObject, name: string, seen: string[]): { base: bigint; fileId: number; path: string; mappedNow: boolean } | undefined {
  const t = pm.trace;
  const st = pm.state(p);
  const key = name.toLowerCase();
  if (seen.includes(key)) return undefined;
  seen.push(key);
  const appDir = p.imagePath.slice(0, p.imagePath.lastIndexOf('\\'));
  const file = findDll(pm, key, appDir);
  if (!file) return undefined;
  const dll = parse(pm, file.fileId, file.version, file.data);
  if (dll instanceof PeFormatError) return undefined;
  let base = imageBaseFor(pm, file.fileId, dll);
  // ntdll is already mapped (stage 3D); other DLLs: NtOpenSection/NtCreateSection + NtMapViewOfSection, then the handle is closed.
  let mapped = key === 'ntdll.dll' && st.ntdllBase === base;
  let mappedNow = false;
  if (!mapped) {
    // System32 DLLs come from the KnownDlls section objects (permanent); others get a section per load.
    const known = file.path.toLowerCase().startsWith(SYSTEM32_PREFIX);
    const section = imageSection(pm, p, file, known);
    // The boot's ASLR base is taken in this process when any page of the image's range holds a VAD:
    // the view then goes elsewhere (base 0: the memory manager picks a free range) and the loader
    // relocates the image (STATUS_IMAGE_NOT_AT_BASE; Windows Internals 7e ch. 5, "Address space layout
    // randomization": an image whose randomized base is in use is relocated in that process).
    const free = imageRangeFree(p, base, dll.sizeOfImage);
    base = mapView(pm.mm, p, section, FILE_MAP_READ, 0n, 0n, free ? base : 0n);
    if (!known) dropSection(pm, section);
    mapped = true;
    mappedNow = true;
  }
  st.modules.push({ name: baseName(file.path), path: file.path, base, size: dll.sizeOfImage, entryPoint: dll.addressOfEntryPoint ? base + BigInt(dll.addressOfEntryPoint) : 0n, fileId: file.fileId, mapped });
  writeLoaderData(pm, p);
  // ntdll was mapped by the kernel (PspMapSystemDll, stage 3D): the loader only lists it, no LdrpLoadDll.
  if (!(key === 'ntdll.dll' && !mappedNow)) t.step('create.loadDll')?.n(p.pid).s(baseName(file.path)).a(base).b(mapped).change('file', file.fileId).change('vad', p.pid, Number(base));
  pm.state(p).loader?.queue.push(...dll.imports);
  return { base, fileId: file.fileId, path: file.path, mappedNow };
}

/** A debuggee with no debug events left runs on: a loader paused on its debugger continues. */
export function debuggeeReleased(pm: ProcessManager, p: ProcessObject): void {
  const st = pm.state(p);
  if (!st.loader) return;
  const thread = p.threads.find((x) => x.tid === st.loader!.tid);
  if (thread && thread.state === 'Waiting' && thread.waitReason === 'Executive' && !releaseThread(pm, p, thread)) return;
  if (thread && thread.state === 'Waiting' && thread.waitReason === 'Suspended') return;
  continueLoader(pm, p);
}
