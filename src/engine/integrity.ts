// The memory manager's invariants, checked from scratch (used by property tests after every operation,
// and available to a learner as a "!memusage"-style consistency check). Returns the violations found.
import { LEVEL_PXE, tableIndex } from './mm/memoryManager';
import { LIST_STANDBY0, PageLocation, PFN_LARGE_PAGE, PFN_MODIFIED, PFN_PAGE_TABLE } from './mm/pfn';
import { PAGE_LIST_HEAD, PAGE_LIST_NAMES, PAGE_STATE_NAMES, STANDBY_PRIORITY_COUNT } from './vocabulary';
import { PTE_LARGE_PAGE, PTE_PROTOTYPE, PTE_TRANSITION, PTE_VALID, pageFileLow, ptePfn } from './mm/pte';
import { STORE_PAGE_FILE_NUMBER } from './mm/compression';
import { PFN_PROTOTYPE_PTE } from './mm/pfn';
import { protoAddress } from './mm/section';
import type { System } from './system';
import { verifyHeapIntegrity } from './heap/integrity';
import { verifyPoolIntegrity } from './mm/poolIntegrity';
import { machineOf } from './system/internal';

export function verifyIntegrity(system: System): string[] {
  const { mm, processes } = machineOf(system);
  const db = mm.pfn;
  const errors: string[] = [];
  const err = (m: string): void => { if (errors.length < 50) errors.push(m); };
  const n = db.pageCount;

  // 1. Every page in exactly one state; lists match the database.
  const seen = new Uint8Array(n);
  // Each list head with the PageLocation its pages carry (a page state's location is its index in PAGE_STATE_NAMES).
  const lists: Array<[number, number]> = [];
  for (const name of PAGE_LIST_NAMES) {
    const location = PAGE_STATE_NAMES.indexOf(name);
    if (name !== 'Standby') lists.push([PAGE_LIST_HEAD[name], location]);
    else for (let p = 0; p < STANDBY_PRIORITY_COUNT; p++) lists.push([LIST_STANDBY0 + p, location]);
  }
  for (const [list, location] of lists) {
    let count = 0;
    let prev = -1;
    for (let pfn = db.listHead[list]!; pfn >= 0; pfn = db.flink[pfn]!) {
      if (seen[pfn]) { err(`pfn ${pfn} on two lists (or a cycle) at list ${list}`); break; }
      seen[pfn] = 1;
      if (db.location[pfn] !== location) err(`pfn ${pfn} on list ${list} but PageLocation ${db.location[pfn]}`);
      if (db.blink[pfn] !== prev) err(`pfn ${pfn} Blink broken`);
      if (db.shareCount[pfn] !== 0 || db.referenceCount[pfn] !== 0) err(`pfn ${pfn} on a list with ShareCount ${db.shareCount[pfn]} ReferenceCount ${db.referenceCount[pfn]}`);
      if (location === PageLocation.StandbyPageList && (db.flags[pfn]! & PFN_MODIFIED)) err(`standby pfn ${pfn} is modified`);
      if (location === PageLocation.ModifiedPageList && !(db.flags[pfn]! & PFN_MODIFIED)) err(`modified-list pfn ${pfn} is not modified`);
      prev = pfn;
      count++;
    }
    if (count !== db.listCount[list]) err(`list ${list} count ${db.listCount[list]} but ${count} linked`);
  }
  for (let pfn = 0; pfn < n; pfn++) {
    const loc = db.location[pfn]!;
    if (loc < PageLocation.ActiveAndValid && !seen[pfn]) err(`pfn ${pfn} has PageLocation ${loc} but is on no list`);
    if (loc === PageLocation.ActiveAndValid && (db.shareCount[pfn] === 0 || db.referenceCount[pfn] === 0)) err(`active pfn ${pfn} with ShareCount ${db.shareCount[pfn]}`);
    if (loc === PageLocation.TransitionPage) err(`pfn ${pfn} left in Transition (no I/O is in flight between operations)`);
  }

  // 2. Page tables, PTEs and working sets; paging-file slot references.
  const slotRefs = new Uint8Array(mm.pageFileBitmap.length);
  // Page keys of the compression store: a PTE (or OriginalPte) whose PageFileLow names the virtual store.
  const store = mm.store;
  const keyRefs = new Uint8Array(store.keyLength.length);
  const refSlot = (lo: number, slot: number, what: string): void => {
    if (pageFileLow(lo, mm.layout) === STORE_PAGE_FILE_NUMBER) {
      if (!store.isKey(slot)) err(`${what}: store key ${slot} not in the store`);
      else if (keyRefs[slot]) err(`${what}: store key ${slot} referenced twice`);
      else keyRefs[slot] = 1;
      return;
    }
    if (slot <= 0 || slot >= slotRefs.length) { err(`${what}: slot ${slot} out of range`); return; }
    if (mm.pageFileBitmap[slot] !== 1) err(`${what}: slot ${slot} not allocated`);
    if (slotRefs[slot]) err(`${what}: slot ${slot} referenced twice`);
    slotRefs[slot] = 1;
  };
  const pageTableCount = new Map<number, number>();
  /** Active pages something refers to: paging structures, pages behind valid PTEs and prototype PTEs. */
  const reached = new Uint8Array(n);
  /** Valid process PTEs per shared (prototype-PTE) page. */
  const sharedMappings = new Map<number, number>();
  const systemProcess = processes.find((q) => q !== undefined && q.pid === 4 && !q.exited);
  for (const p of processes) {
    if (!p || p.exited) continue;
    // The Idle process (pid 0) shares System's page directory (MmInitializeHandBuiltProcess) and maps nothing itself.
    if (p.pid === 0) {
      if (systemProcess && p.directoryTableBase !== systemProcess.directoryTableBase) err(`Idle's DirectoryTableBase ${p.directoryTableBase} is not System's ${systemProcess.directoryTableBase}`);
      if (p.pageTablePages !== 0 || p.vads.count !== 0 || p.ws.count !== 0 || p.privateCommit !== 0) err('Idle maps memory of its own');
      pageTableCount.set(p.index, 0);
      continue;
    }
    let tables = 0;
    const walk = (table: number, level: number, vpnBase: number): void => {
      tables++;
      reached[table] = 1;
      if (!(db.flags[table]! & PFN_PAGE_TABLE)) err(`pid ${p.pid}: pfn ${table} used as a paging structure without the flag`);
      if (mm.ownerOf(table) !== p.index) err(`pid ${p.pid}: paging structure ${table} owned by ${mm.ownerOf(table)}`);
      let live = 0;
      let used = 0;
      for (let i = 0; i < 512; i++) {
        if (level === LEVEL_PXE && i === mm.selfMapIndex) { live++; used++; continue; }
        const lo = mm.readLo(table, i);
        const hi = mm.readHi(table, i);
        if (lo === 0 && hi === 0) continue;
        used++;
        const span = level === 3 ? 134217728 : level === 2 ? 262144 : level === 1 ? 512 : 1;
        const vpn = vpnBase + i * span;
        if (level > 0) {
          if (!(lo & PTE_VALID)) { err(`pid ${p.pid}: non-leaf entry ${level}/${i} not valid`); continue; }
          live++;
          const child = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
          if (lo & PTE_LARGE_PAGE) {
            if (!(db.flags[child]! & PFN_LARGE_PAGE)) err(`pid ${p.pid}: large entry -> pfn ${child} not a large page`);
            reached.fill(1, child, Math.min(n, child + span));
            continue;
          }
          if (db.pteFrame[child] !== table) err(`pid ${p.pid}: paging structure ${child} PteFrame ${db.pteFrame[child]} != ${table}`);
          walk(child, level - 1, vpn);
          continue;
        }
        if ((lo & PTE_VALID) && (db.flags[ptePfn(lo, hi, mm.layout.hardwarePfnBits)]! & PFN_PROTOTYPE_PTE)) {
          live++;
          const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
          if (db.location[pfn] !== PageLocation.ActiveAndValid) err(`pid ${p.pid} vpn ${vpn.toString(16)}: valid PTE -> shared pfn ${pfn} in state ${db.location[pfn]}`);
          sharedMappings.set(pfn, (sharedMappings.get(pfn) ?? 0) + 1);
          const wsi = p.ws.shared.get(vpn);
          if (wsi === undefined || p.ws.vpn[wsi] !== vpn) err(`pid ${p.pid} vpn ${vpn.toString(16)}: shared page not in the working set`);
          const vad = p.vads.find(vpn);
          if (!vad?.view) err(`pid ${p.pid} vpn ${vpn.toString(16)}: shared page outside a view`);
        } else if (lo & PTE_VALID) {
          live++;
          const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
          reached[pfn] = 1;
          if (db.location[pfn] !== PageLocation.ActiveAndValid) err(`pid ${p.pid} vpn ${vpn.toString(16)}: valid PTE -> pfn ${pfn} in state ${db.location[pfn]}`);
          if (db.pteFrame[pfn] !== table || ((db.pteAddressLo[pfn]! >>> 3) & 511) !== i) err(`pid ${p.pid} vpn ${vpn.toString(16)}: pfn ${pfn} PteAddress/PteFrame do not point back`);
          const expected = mm.entryAddress(0, vpn);
          if (db.pteAddressLo[pfn] !== Number(expected & 0xFFFFFFFFn) || db.pteAddressHi[pfn] !== Number(expected >> 32n)) err(`pid ${p.pid} vpn ${vpn.toString(16)}: PteAddress is not the self-map address`);
          const wsi = db.wsIndex[pfn]!;
          if (wsi < 0 || p.ws.vpn[wsi] !== vpn) err(`pid ${p.pid} vpn ${vpn.toString(16)}: valid page not in the working set at its WsIndex`);
          if (mm.ownerOf(pfn) !== p.index) err(`pid ${p.pid}: pfn ${pfn} owner ${mm.ownerOf(pfn)}`);
          const oh = db.originalPteHi[pfn]!;
          const ol = db.originalPteLo[pfn]!;
          if (oh !== 0 && !(ol & (PTE_PROTOTYPE | PTE_TRANSITION))) refSlot(ol, oh, `pfn ${pfn} OriginalPte`);
        } else if (lo & PTE_TRANSITION) {
          live++;
          const pfn = ptePfn(lo, hi, mm.layout.transitionPfnBits);
          const loc = db.location[pfn]!;
          if (loc !== PageLocation.StandbyPageList && loc !== PageLocation.ModifiedPageList && loc !== PageLocation.ModifiedNoWritePageList) err(`pid ${p.pid} vpn ${vpn.toString(16)}: transition PTE -> pfn ${pfn} in state ${loc}`);
          if (db.pteFrame[pfn] !== table || ((db.pteAddressLo[pfn]! >>> 3) & 511) !== i) err(`pid ${p.pid}: transition pfn ${pfn} does not point back`);
          const oh = db.originalPteHi[pfn]!;
          if (oh !== 0 && !(db.originalPteLo[pfn]! & (PTE_PROTOTYPE | PTE_TRANSITION))) refSlot(db.originalPteLo[pfn]!, oh, `pfn ${pfn} OriginalPte`);
        } else if (!(lo & PTE_PROTOTYPE) && hi !== 0) {
          refSlot(lo, hi, `pid ${p.pid} vpn ${vpn.toString(16)} PTE`);
        }
      }
      if (db.shareCount[table] !== live + 1) err(`pid ${p.pid}: paging structure ${table} ShareCount ${db.shareCount[table]} != 1 + ${live} live entries`);
      if (mm.usedEntries[table] !== used) err(`pid ${p.pid}: paging structure ${table} UsedPageTableEntries ${mm.usedEntries[table]} != ${used}`);
    };
    walk(p.directoryTableBase, LEVEL_PXE, 0);
    pageTableCount.set(p.index, tables);
    if (tables !== p.pageTablePages) err(`pid ${p.pid}: ${tables} paging structures but pageTablePages ${p.pageTablePages}`);

    // Working-set entries match valid PTEs.
    // A locked entry (LockedInWs, VirtualLock) is an entry in use whose page is valid: the check below
    // covers it like any other; a free entry is never locked, and the locked count matches the bits.
    let inUse = 0;
    let locked = 0;
    for (let i = 0; i < p.ws.lastEntry; i++) {
      const vpn = p.ws.vpn[i]!;
      if (vpn < 0) { if (p.ws.locked[i]) err(`pid ${p.pid}: free WSLE ${i} is locked`); continue; }
      inUse++;
      if (p.ws.locked[i]) locked++;
      const [lo, hi] = mm.peekPte(p, vpn);
      if (!(lo & PTE_VALID)) { err(`pid ${p.pid}: WSLE ${i} vpn ${vpn.toString(16)} has no valid PTE`); continue; }
      const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
      if (db.flags[pfn]! & PFN_PROTOTYPE_PTE) { if (p.ws.shared.get(vpn) !== i) err(`pid ${p.pid}: WSLE ${i} shared page index mismatch`); }
      else if (db.wsIndex[pfn] !== i) err(`pid ${p.pid}: WSLE ${i} -> pfn ${pfn} whose WsIndex is ${db.wsIndex[pfn]}`);
    }
    if (inUse !== p.ws.count) err(`pid ${p.pid}: working set count ${p.ws.count} but ${inUse} entries in use`);
    if (locked !== p.ws.lockedCount) err(`pid ${p.pid}: ${p.ws.lockedCount} locked pages counted but ${locked} entries locked`);

    // Commit charge equals the sum of its parts.
    let vadCharge = 0;
    for (const vad of p.vads) {
      vadCharge += vad.commitCharge;
      if (vad.view) {
        const expected = vad.view.copyOnWrite && !vad.view.controlArea.image ? vad.pageCount : 0;
        if (vad.commitCharge !== expected) err(`pid ${p.pid}: view VAD ${vad.startVpn.toString(16)} CommitCharge ${vad.commitCharge} != ${expected}`);
        if (!mm.sectionRegistry.controlAreas.has(vad.view.controlArea.id)) err(`pid ${p.pid}: view of deleted control area ${vad.view.controlArea.id}`);
        continue;
      }
      // Counted per run (absent paging structures are one run): O(page tables), whatever the VAD's size.
      const committed = mm.countCommitted(p, vad, vad.startVpn, vad.endVpn);
      if (committed !== vad.commitCharge) err(`pid ${p.pid}: VAD ${vad.startVpn.toString(16)} CommitCharge ${vad.commitCharge} but ${committed} pages committed`);
    }
    if (vadCharge !== p.privateCommit) err(`pid ${p.pid}: private commit ${p.privateCommit} != sum of VAD charges ${vadCharge}`);
  }
  // Prototype PTEs: valid ones are mapped exactly ShareCount times; transition ones point at list pages.
  const protoListPages = new Set<number>();
  for (const ca of mm.sectionRegistry.controlAreas.values()) {
    const seg = ca.segment;
    let views = 0;
    for (const p of processes) if (p && !p.exited) for (const v of p.vads) if (v.view?.controlArea.id === ca.id) views++;
    if (views !== ca.mappedViews) err(`control area ${ca.id}: NumberOfMappedViews ${ca.mappedViews} but ${views} views`);
    // An unreferenced control area stays only for a mapped file whose pages are still in memory (kept as cache).
    if (ca.sectionReferences === 0 && ca.mappedViews === 0 && !(ca.fileBacked && ca.pfnReferences > 0)) err(`control area ${ca.id} has no references but was not deleted`);
    let inMemory = 0;
    for (let i = 0; i < seg.totalPtes; i++) {
      const lo = seg.protoLo[i]!;
      const hi = seg.protoHi[i]!;
      if (lo & PTE_VALID || (lo & PTE_TRANSITION && !(lo & PTE_PROTOTYPE))) inMemory++;
      if (lo & PTE_VALID) {
        const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
        const addr = protoAddress(ca, i);
        reached[pfn] = 1;
        if (db.location[pfn] !== PageLocation.ActiveAndValid || !(db.flags[pfn]! & PFN_PROTOTYPE_PTE)) err(`ca ${ca.id} proto ${i}: valid -> pfn ${pfn} not an active prototype page`);
        if (db.pteAddressLo[pfn] !== Number(addr & 0xFFFFFFFFn) || db.pteAddressHi[pfn] !== Number(addr >> 32n)) err(`ca ${ca.id} proto ${i}: pfn ${pfn} PteAddress does not point back`);
        const mapped = sharedMappings.get(pfn) ?? 0;
        if (db.shareCount[pfn] !== mapped || mapped === 0) err(`ca ${ca.id} proto ${i}: pfn ${pfn} ShareCount ${db.shareCount[pfn]} but ${mapped} PTEs map it`);
        sharedMappings.delete(pfn);
        const oh = db.originalPteHi[pfn]!;
        if (oh !== 0 && !(db.originalPteLo[pfn]! & PTE_PROTOTYPE)) refSlot(db.originalPteLo[pfn]!, oh, `proto pfn ${pfn} OriginalPte`);
      } else if (lo & PTE_TRANSITION && !(lo & PTE_PROTOTYPE)) {
        const pfn = ptePfn(lo, hi, mm.layout.transitionPfnBits);
        const loc = db.location[pfn]!;
        if (loc !== PageLocation.StandbyPageList && loc !== PageLocation.ModifiedPageList) err(`ca ${ca.id} proto ${i}: transition -> pfn ${pfn} in state ${loc}`);
        protoListPages.add(pfn);
        const oh = db.originalPteHi[pfn]!;
        if (oh !== 0 && !(db.originalPteLo[pfn]! & PTE_PROTOTYPE)) refSlot(db.originalPteLo[pfn]!, oh, `proto pfn ${pfn} OriginalPte`);
      } else if (!(lo & PTE_PROTOTYPE) && hi !== 0) {
        refSlot(lo, hi, `ca ${ca.id} proto ${i}`);
      }
    }
    if (inMemory !== ca.pfnReferences) err(`control area ${ca.id}: NumberOfPfnReferences ${ca.pfnReferences} but ${inMemory} pages in memory`);
  }
  for (const [pfn] of sharedMappings) err(`shared pfn ${pfn} mapped by a PTE but not by a valid prototype PTE`);
  // The system address space: pool pages, their page tables, the system working set and system commit.
  const threadStacks: Array<{ tid: number; firstPte: number }> = [];
  for (const p of processes) if (p) for (const t of p.threads) if (t.kernelStack) threadStacks.push({ tid: t.tid, firstPte: t.kernelStack.firstPte });
  verifyPoolIntegrity(mm, threadStacks, { reached, refSlot, err });
  // An active page no PTE, prototype PTE or paging structure reaches is lost to the system (a page table
  // of a torn-down address space, a page whose PTE was overwritten).
  let pagingStructures = 0;
  for (let pfn = 0; pfn < n; pfn++) if (db.location[pfn] === PageLocation.ActiveAndValid && (db.flags[pfn]! & PFN_PAGE_TABLE)) pagingStructures++;
  if (pagingStructures !== mm.pagingStructurePages) err(`${pagingStructures} paging-structure pages but the resident count says ${mm.pagingStructurePages}`);
  for (let pfn = 0; pfn < n; pfn++) {
    if (db.location[pfn] === PageLocation.ActiveAndValid && !reached[pfn]) err(`active pfn ${pfn} reached by no PTE, prototype PTE or paging structure (leaked; flags ${db.flags[pfn]})`);
  }
  for (let pfn = 0; pfn < n; pfn++) {
    if ((db.flags[pfn]! & PFN_PROTOTYPE_PTE) && db.location[pfn]! < PageLocation.ActiveAndValid && db.location[pfn] !== PageLocation.FreePageList && db.location[pfn] !== PageLocation.ZeroedPageList && !protoListPages.has(pfn)) {
      err(`prototype page ${pfn} on list ${db.location[pfn]} with no transition prototype PTE`);
    }
  }
  // Standby/modified pages whose owners died are not expected yet (no teardown); count slots of list pages not reached by a PTE.
  let allocated = 0;
  for (let s = 1; s < mm.pageFileBitmap.length; s++) {
    if (mm.pageFileBitmap[s]) {
      allocated++;
      if (!slotRefs[s]) err(`paging file slot ${s} allocated but referenced by nothing (leaked)`);
    }
  }
  let keys = 0;
  let compressed = 0;
  for (let k = 1; k < store.keyLength.length; k++) {
    if (!store.isKey(k)) continue;
    keys++;
    compressed += store.keyLength[k]!;
    if (!keyRefs[k]) err(`store key ${k} in the store but referenced by nothing (leaked)`);
    if (store.regionBase[store.keyRegion[k]!] === 0) err(`store key ${k} lies in a released region`);
  }
  if (keys !== store.keysInUse) err(`store keys in use ${store.keysInUse} but ${keys} found`);
  if (compressed !== store.compressedBytes) err(`store compressed bytes ${store.compressedBytes} but the entries add up to ${compressed}`);
  if (allocated !== mm.pageFileUsed) err(`paging file used ${mm.pageFileUsed} but ${allocated} slots allocated`);
  if (mm.commitTotal > mm.commitLimit) err(`commit ${mm.commitTotal} over the limit ${mm.commitLimit}`);
  void tableIndex;
  for (const e of verifyProcessIntegrity(system)) err(e);
  for (const e of verifyHeapIntegrity(mm, processes)) err(e);
  return errors;
}

/**
 * The process manager's invariants: CID table, object headers and handle counts, job accounting, and
 * that an exited process holds nothing (no pages, commit, page tables, VADs or handles).
 */
export function verifyProcessIntegrity(system: System): string[] {
  const { processes, ps: pm } = machineOf(system);
  const errors: string[] = [];
  const err = (m: string): void => { if (errors.length < 50) errors.push(m); };
  const handleRefs = new Map<number, number>();
  let live = 0;
  for (const p of processes) {
    if (!p) continue;
    const st = p.ps;
    if (p.exited) {
      if (p.directoryTableBase !== -1 || p.privateCommit !== 0 || p.pageTablePages !== 0 || p.vads.count !== 0 || p.ws.count !== 0) {
        err(`exited pid ${p.pid} still holds DTB ${p.directoryTableBase}, commit ${p.privateCommit}, tables ${p.pageTablePages}, VADs ${p.vads.count}, WS ${p.ws.count}`);
      }
      if (st.handles.count !== 0) err(`exited pid ${p.pid} has ${st.handles.count} handles`);
      continue;
    }
    // Between operations no creation is in progress: a process never inserted (stage 3F) is one a failed creation left behind.
    if (!st.inserted) err(`pid ${p.pid} was never inserted (a creation left it half-built)`);
    else live++;
    // The Idle process (pid 0) has no CID: PspCidTable never names it.
    if (p.pid !== 0 && pm.cids.live.get(p.pid) !== 'p') err(`pid ${p.pid} is not a process id in the CID table`);
    // Idle's EPROCESS (KiInitialProcess) is no object of the object manager: it has no header.
    const header = pm.ob.get(st.objectId);
    if (p.pid === 0) { if (st.objectId !== 0) err(`Idle has object ${st.objectId}`); }
    else if (!header || header.typeName !== 'Process' || header.key !== p.index) err(`pid ${p.pid}: bad object header ${st.objectId}`);
    for (const t of p.threads) {
      if (t.state === 'Terminated') continue;
      if (pm.cids.live.get(t.tid) !== 't') err(`tid ${t.tid} of pid ${p.pid} is not a thread id in the CID table`);
      if (pm.thread(t.tid)?.[1] !== t) err(`tid ${t.tid} of pid ${p.pid} is not found by its id`);
    }
    for (const [h, e] of st.handles.entries) {
      if (h % 4 !== 0 || h <= 0) err(`pid ${p.pid}: handle value ${h} is not a positive multiple of 4`);
      if (!pm.ob.get(e.objectId)) err(`pid ${p.pid}: handle ${h} refers to deleted object ${e.objectId}`);
      handleRefs.set(e.objectId, (handleRefs.get(e.objectId) ?? 0) + 1);
    }
    if (st.jobId && !pm.jobs.get(st.jobId)?.processIds.includes(p.pid)) err(`pid ${p.pid} says job ${st.jobId} but the job does not list it`);
  }
  if (live !== pm.liveCount) err(`process manager counts ${pm.liveCount} live processes, ${live} found`);
  for (const [id, h] of pm.ob.objects) {
    const n = handleRefs.get(id) ?? 0;
    if (h.handleCount !== n) err(`object ${id} (${h.typeName}) HandleCount ${h.handleCount}, ${n} handles found`);
  }
  for (const j of pm.jobs.values()) {
    const members = pm.jobProcesses(j);
    if (members.length !== j.activeProcesses) err(`job ${j.jobId}: ActiveProcesses ${j.activeProcesses}, ${members.length} live members`);
    for (const p of members) {
      let found = false;
      for (let k = pm.jobs.get(p.ps.jobId); k; k = k.parentJobId ? pm.jobs.get(k.parentJobId) : undefined) if (k.jobId === j.jobId) found = true;
      if (!found) err(`job ${j.jobId} lists pid ${p.pid}, whose job chain does not include it`);
    }
  }
  return errors;
}
