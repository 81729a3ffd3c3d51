// Time travel: the state at any step, rebuilt by a deterministic replay of the logged operations
// (DESIGN.md §4) from the nearest earlier *base*: a machine nothing changes once built.
//
// - Snapshots are bases taken at an adaptive interval (about a tenth of the work, at most two copies'
//   time apart on big machines) and kept within options.timeTravelMemoryMB, which counts everything
//   time travel holds: each snapshot's copy of the PFN database, page tables' bookkeeping, processes
//   and prototype PTEs, the page contents only snapshots still hold, the machines kept near the
//   cursor and the operation log. The budget is checked every SNAPSHOT_MIN_STEPS steps, not only at
//   snapshots; past it, snapshots go one at a time (the one whose loss widens the gaps least).
// - Near the cursor, stepping keeps the machine at the operation boundary before the cursor's
//   operation (NEAR_MAX of them, counted like snapshots), and the last state built inside an
//   operation. A state exactly at a kept machine or snapshot shares it (Machine.sharing: no copy);
//   a step inside an operation copies the boundary and replays only that operation up to the step.
//   So a step either way costs one copy of the machine plus at most one operation, and a jump one
//   copy plus the replay from the nearest snapshot (at most the snapshot interval).
// - What this does not do yet (issue 17): undo records per step, or copy-on-write process objects and
//   PFN columns, which would make one step cost what the step changed rather than one copy of the
//   machine (on 2,000 processes and 2 GB a copy is ~100 ms on the 2-core bench machine).
// - Where a step's time goes (node --cpu-prof of 60 steps on the 2,000-process, 2 GB session of
//   test/bench/tree.bench.ts, issue 17): the copy of the machine (copyState) is ~80% of stateAt, the
//   replay of one operation the rest. Of the copy: the processes' heaps were ~50% (now copied on first
//   access: heap/processHeaps.ts; a step's engine time fell by about half), then the PFN database's
//   typed arrays (~23 MB of fresh memory per copy), the other process state (VAD trees, working-set
//   lists, executive state) and the collector (~20-40% of all samples, mostly freeing those copies).
// - What eats the budget in the jump bench's 100k session (test/bench/engine.bench.ts; 128 MB RAM, 256 MB
//   budget, 1,620 processes; measured on main 8373f34, session 23): it held 2 snapshots, 202 MB retained,
//   widest gap the whole session. Three causes, by size:
//   1. Machines kept near the cursor: after the bench's 40 jumps they held 181 MB (a machine replayed
//      ~100k steps from the first snapshot owns a private copy of every content chunk its replay wrote),
//      and boundMemory let snapshots go before them: 6 snapshots became 2, each later jump replayed
//      further and kept a bigger machine. Now they hold at most NEAR_SHARE of the budget (capNear).
//   2. Page contents under memory pressure: the session's last round runs out of RAM (a cmd.exe +
//      conhost.exe pair now takes ~44 pages with kernel stacks and pool, 31 at 98e27c7, whose session
//      never paged). Then all of RAM is rewritten within ~35k steps, so a snapshot taken before that
//      holds a RAM's worth (one held 121 MB). The 64 KB chunks amplify it: one interval changed 7,885
//      pages but copied 1,760 chunks (110 MB); 42% of all chunk copies were the aging pass clearing
//      Accessed bits in page tables spread over all of RAM, then pool headers, PTE writes by trimming,
//      zeroing. 16 KB chunks barely helped (176 vs 182 MB): page tables are scattered, only page-sized
//      copy-on-write would (not done: 16-22 more bytes per page in each copy, over the 64-byte budget).
//   3. The snapshots' own copies: ~10 KB per process (VAD tree 3.1 KB, working set 1.8 KB, executive
//      state 1.5 KB, the rest of the object and threads), 16.8 MB per snapshot at 1,620 processes, so
//      256 MB holds at most ~15 even with no page contents. Copy-on-write VAD trees would need the
//      views' control-area links resolved per machine (vad.view.controlArea points into one machine's
//      section registry); not done. The op log is 1.2 MB.
//   The pressure round was also slow to build and to replay: the balance set manager ran after each
//   fault while available memory stayed low and aged all 1,620 working sets each time (40% of the
//   session). A working set left settled by a pass is now skipped (trim.ts MiAgeWorkingSet), with
//   identical results (test/unit/working-set-aging.test.ts): that round's 200 creates went from 12.0 s
//   to 3.2 s of CPU, and so did replays through it.
//   Before -> after (CPU time, process.cpuUsage, two interleaved runs each on the shared 2-core machine):
//   session build 18.2 / 22.4 s -> 9.7 / 8.9 s; snapshots after the jumps 2 / 2 -> 4 / 4; jump median
//   729 / 567 -> 480 / 359 ms, max 10,386 / 7,881 -> 1,175 / 1,377 ms. Still far over the 50 / 100 ms
//   budget: causes 2 and 3 remain (page-sized copy-on-write and shared process parts are the fixes).
import { isDocumentedError, LastError } from '../errors';
import type { PageStore } from '../mm/store';
import { StepLog, StopReplay } from '../trace';
import type { OpLog } from '../opLog';
import { Machine } from './machine';
import { copyOp, type Op } from './operations';

interface Snapshot {
  opIndex: number;
  stepCount: number;
  machine: Machine;
  /** Bytes of the snapshot's own copies (PFN database, processes, prototype PTEs...), page contents aside. */
  stateBytes: number;
}

const SNAPSHOT_MIN_STEPS = 1024;
/** Machines kept near the cursor, and how many operations away a target counts as a step from the last. */
const NEAR_MAX = 2;
const NEAR_OPS = 2;
/** The share of the budget the machines kept near the cursor may hold (the rest is the snapshots'). */
const NEAR_SHARE = 0.25;
const SNAPSHOT_MAX = 48;
const SNAPSHOT_MIN_INTERVAL_MS = 20;
const SNAPSHOT_MAX_INTERVAL_MS = 30;
/** Rough cost of copying one 64 KB content chunk. */
const CHUNK_COPY_MS = 0.02;
/** Estimated heap bytes of one VAD node, one Map entry, one process's executive state (handles, token, threads). */
const VAD_BYTES = 160;
const MAP_ENTRY_BYTES = 40;
const PROCESS_STATE_BYTES = 2048;

function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/**
 * Which snapshot to let go to free memory: among those whose loss frees something (never the first or
 * the last), the one whose neighbours are closest in steps, so the widest replay after the drop is as
 * short as it can be; on a tie, the one that frees most. -1 when none frees anything.
 */
export function snapshotToDrop(stepCounts: readonly number[], freedBytes: readonly number[]): number {
  let best = -1;
  for (let i = 1; i < stepCounts.length - 1; i++) {
    if (!(freedBytes[i]! > 0)) continue;
    if (best < 0) { best = i; continue; }
    const gap = stepCounts[i + 1]! - stepCounts[i - 1]!;
    const bestGap = stepCounts[best + 1]! - stepCounts[best - 1]!;
    if (gap < bestGap || (gap === bestGap && freedBytes[i]! > freedBytes[best]!)) best = i;
  }
  return best;
}

/** Bytes an object's own fields hold: typed arrays by their length, arrays and maps by their slots. */
function shallowBytes(o: object): number {
  let n = 16;
  for (const v of Object.values(o)) {
    if (ArrayBuffer.isView(v)) n += 64 + v.byteLength;
    else if (Array.isArray(v)) n += 16 + v.length * 8;
    else if (v instanceof Map || v instanceof Set) n += 16 + v.size * MAP_ENTRY_BYTES;
    else n += 8;
  }
  return n;
}

/** What a copy of the machine's state costs, page contents aside (those are shared until rewritten). */
export function machineStateBytes(m: Machine): number {
  const mm = m.mm;
  let n = shallowBytes(mm) + shallowBytes(mm.pfn) + shallowBytes(mm.phys) + shallowBytes(mm.pageFile);
  for (const p of m.processes) {
    if (!p) continue;
    n += shallowBytes(p) + shallowBytes(p.ws) + p.vads.count * VAD_BYTES + PROCESS_STATE_BYTES;
  }
  for (const ca of mm.sectionRegistry.controlAreas.values()) n += shallowBytes(ca) + shallowBytes(ca.segment);
  return n;
}

/** What time travel holds, counted against the budget. */
export interface TimeTravelMemory {
  snapshots: number;
  /** Everything counted: snapshotStateBytes + pageBytes + opLogBytes + nearBytes. */
  retainedBytes: number;
  /** The snapshots' own copies (PFN database, processes, prototype PTEs...). */
  snapshotStateBytes: number;
  /** Page contents only snapshots still hold. */
  pageBytes: number;
  /** The operation log (what replays and saved sessions need). */
  opLogBytes: number;
  /** Machines kept at operation boundaries near the cursor (stateAt), and what they hold (own copies plus contents the present no longer has). */
  nearMachines: number;
  nearBytes: number;
  /** The recorded steps (the present's own record, which views read; not counted against the budget). */
  stepLogBytes: number;
  budgetBytes: number;
  widestGapSteps: number;
}

/** Gives `machine` a step log that counts steps (from `count`) without storing them, as a replay needs. */
function counting(machine: Machine, count: number): StepLog {
  const counter = new StepLog();
  counter.countOnly = true;
  counter.count = count;
  machine.setTrace(counter);
  return counter;
}

/**
 * Replays logged operations [from, to) into `view` while `more()` holds. Each replay gets its own copy
 * of an operation, so nothing a replay does can change the log. A LastError sets the last error as the
 * Win32 layer did; a StopReplay ends the replay where asked.
 */
export function replayOps(view: Machine, ops: OpLog<Op>, from: number, to: number, more: () => boolean): void {
  for (let i = from; i < to && more(); i++) {
    const logged = ops.get(i) as Op;
    const op = logged.op === 'read' || logged.op === 'write' ? logged : copyOp(logged);
    view.trace.enter();
    try {
      view.apply(op);
    } catch (e) {
      if (e instanceof StopReplay) break;
      if (!isDocumentedError(e)) throw e;
      if (e instanceof LastError && 'pid' in op) view.setLastError(op.pid, e.code);
    } finally {
      view.trace.leave();
    }
  }
}

export class TimeTravel {
  private snapshots: Snapshot[] = [];
  /** Machines at operation boundaries near where the learner last looked (see stateAt); never changed once kept. */
  private near: Snapshot[] = [];
  /** The last state built inside an operation (its copy of the state estimated as its base's). */
  private lastInside: { seq: number; machine: Machine; stateBytes: number } | undefined;
  /** The operation boundary of the last stateAt (-1: none yet). */
  private lastEnded = -1;
  private lastSnapshotTime = 0;
  private snapshotIntervalMs = SNAPSHOT_MIN_INTERVAL_MS;
  private nextSnapshotCheck = SNAPSHOT_MIN_STEPS;
  private copiedAtLastSnapshot = 0;
  private budgetUnreachable = false;
  /** The exact page bytes retained at the last scan, and the live stores' retired bytes then. */
  private retainedEstimate = { base: 0, retired: 0 };

  constructor(private readonly live: Machine) {
    this.takeSnapshot();
  }

  /** Takes a snapshot when enough steps and time have passed (called after every operation). */
  maybeSnapshot(): void {
    const count = this.live.trace.count;
    if (count < this.nextSnapshotCheck) return;
    // Look at the clock only every SNAPSHOT_MIN_STEPS steps.
    this.nextSnapshotCheck = count + SNAPSHOT_MIN_STEPS;
    if (now() - this.lastSnapshotTime >= this.snapshotIntervalMs) { this.takeSnapshot(); return; }
    // Between snapshots, every page rewritten leaves its old contents with the newest snapshot: the
    // budget is checked here too (it once overshot by ~5% between snapshots, issue 19 item 5). When
    // dropping snapshots is not enough, a new one lets the newest go, with what only it held.
    const mm = this.live.mm;
    const retired = mm.phys.retiredSharedBytes + mm.pageFile.retiredSharedBytes;
    if (!this.boundMemory(retired) && !this.budgetUnreachable) this.takeSnapshot();
  }

  /**
   * Snapshots cost a copy of the PFN database and, afterwards, a copy of every page-content chunk
   * written while the snapshot shares it. The interval adapts so that cost stays near a tenth of the
   * work, but never exceeds SNAPSHOT_MAX_INTERVAL_MS, which bounds how long a jump replays.
   */
  takeSnapshot(): void {
    const t0 = now();
    const mm = this.live.mm;
    const copied = mm.phys.copiedChunks + mm.pageFile.copiedChunks;
    const deferredMs = (copied - this.copiedAtLastSnapshot) * CHUNK_COPY_MS;
    const retired = mm.phys.retiredSharedBytes + mm.pageFile.retiredSharedBytes;
    const machine = new Machine({}, this.live);
    this.snapshots.push({ opIndex: this.live.ops.count, stepCount: this.live.trace.count, machine, stateBytes: machineStateBytes(machine) });
    const cloneMs = now() - t0;
    const cost = cloneMs + deferredMs;
    this.copiedAtLastSnapshot = copied;
    // Aim at a tenth of the work; on a big machine, where one copy of the state is itself costly,
    // allow up to two copies' time between snapshots (a jump clones once and replays at most that: with 2.5 the 1,600-process bench session jumped in up to 110-140 ms, over the 100 ms budget).
    this.snapshotIntervalMs = Math.min(Math.max(SNAPSHOT_MIN_INTERVAL_MS, cost * 10), Math.max(SNAPSHOT_MAX_INTERVAL_MS, cloneMs * 2));
    if (this.snapshots.length > SNAPSHOT_MAX) {
      // Thin out the older half; recent states stay dense, where learners step most.
      this.snapshots = this.snapshots.filter((_, i) => i === 0 || i >= SNAPSHOT_MAX / 2 || i % 2 === 1);
    }
    // Over budget even with only the first and the newest kept (a budget below one copy of the state):
    // no forced snapshots until one fits again, or every check would copy the machine.
    this.budgetUnreachable = !this.boundMemory(retired);
    this.lastSnapshotTime = now();
  }

  private stores(i: number): [PageStore, PageStore] {
    const m = i < this.snapshots.length ? this.snapshots[i]!.machine.mm : this.live.mm;
    return [m.phys, m.pageFile];
  }

  /**
   * Everything time travel holds stays within options.timeTravelMemoryMB: paging-heavy work rewrites
   * every page again and again, and 48 snapshots of it once kept over a gigabyte. Past the budget,
   * snapshots go one at a time, each time the one whose loss widens the gap between kept snapshots
   * least (so every stretch of the session stays reachable by a replay of similar length). The first
   * and the newest always stay. The exact page count (a scan of the chunk tables) runs only when a
   * cheap upper bound says the budget may be exceeded.
   */
  private boundMemory(retired: number): boolean {
    const budget = this.budgetBytes;
    const snaps = this.snapshots;
    this.capNear(budget * NEAR_SHARE);
    let stateBytes = 0;
    for (const s of snaps) stateBytes += s.stateBytes;
    const fixed = stateBytes + this.live.ops.byteLength + this.nearBytes();
    if (fixed + this.retainedEstimate.base + (retired - this.retainedEstimate.retired) <= budget) return true;
    const freedBy = (i: number): number => {
      const [p, f] = this.stores(i);
      const [pp, pf] = this.stores(i - 1);
      const [np, nf] = this.stores(i + 1);
      return p.uniqueBytes(pp, np) + f.uniqueBytes(pf, nf);
    };
    let pages = this.pageBytes();
    const freedPages = snaps.map((_, i) => (i === 0 || i === snaps.length - 1 ? 0 : freedBy(i)));
    const freed = (i: number): number => (i === 0 || i === snaps.length - 1 ? 0 : freedPages[i]! + snaps[i]!.stateBytes);
    let total = pages + fixed;
    while (total > budget) {
      const victim = snapshotToDrop(snaps.map((x) => x.stepCount), snaps.map((_, i) => freed(i)));
      if (victim < 0) break;
      total -= freedPages[victim]! + snaps[victim]!.stateBytes;
      pages -= freedPages[victim]!;
      snaps.splice(victim, 1);
      freedPages.splice(victim, 1);
      for (const i of [victim - 1, victim]) if (i > 0 && i < snaps.length - 1) freedPages[i] = freedBy(i);
    }
    // Only when no snapshot can go do the machines kept near the cursor (stepping where the learner
    // is matters more than one more snapshot: the jump bench's session sits at its budget, and kept
    // machines that went first were gone before the next step).
    while (total > budget && (this.lastInside || this.near.length > 0)) {
      const held = this.nearBytes();
      if (this.lastInside) this.lastInside = undefined;
      else this.near.shift();
      total -= held - this.nearBytes();
    }
    this.retainedEstimate = { base: pages, retired };
    return total <= budget;
  }

  get budgetBytes(): number { return this.live.options.timeTravelMemoryMB * 1024 * 1024; }

  /** Page contents only snapshots hold: each chunk version counted once, at the newest snapshot holding it. */
  private pageBytes(): number {
    const snaps = this.snapshots;
    let total = 0;
    for (let i = 0; i < snaps.length; i++) {
      const m = snaps[i]!.machine.mm;
      const n = i + 1 < snaps.length ? snaps[i + 1]!.machine.mm : this.live.mm;
      total += m.phys.bytesNotIn(n.phys) + m.pageFile.bytesNotIn(n.pageFile);
    }
    return total;
  }

  /** What time travel holds now, exactly counted (page contents by a scan of the chunk tables). */
  memory(): TimeTravelMemory {
    const snaps = this.snapshots;
    let widest = 0;
    let snapshotStateBytes = 0;
    for (let i = 0; i < snaps.length; i++) {
      widest = Math.max(widest, (i + 1 < snaps.length ? snaps[i + 1]!.stepCount : this.live.trace.count) - snaps[i]!.stepCount);
      snapshotStateBytes += snaps[i]!.stateBytes;
    }
    const pageBytes = this.pageBytes();
    const opLogBytes = this.live.ops.byteLength;
    const nearBytes = this.nearBytes();
    return {
      snapshots: snaps.length, retainedBytes: snapshotStateBytes + pageBytes + opLogBytes + nearBytes, snapshotStateBytes, pageBytes, opLogBytes,
      nearMachines: this.near.length + (this.lastInside ? 1 : 0), nearBytes, stepLogBytes: this.live.trace.byteLength,
      budgetBytes: this.budgetBytes, widestGapSteps: widest,
    };
  }

  /**
   * The machine as it was right after step `seq`. A step is recorded after the work it describes, so:
   * every operation that ended by step `seq` runs to its end (with the operations after it that record
   * no step: a load of valid pages still sets Accessed bits — stopping at the step count lost them,
   * issue 19 item 12); an operation that records step `seq` and more stops as step `seq` is recorded.
   * For the last step that is the present. Read-only.
   *
   * Built from the nearest earlier base: a snapshot or a machine kept near the cursor (see `near`). A
   * state that is exactly a base shares it (no copy); otherwise the base is copied and replayed. When
   * the learner steps (this target is within NEAR_OPS operations of the last one), the boundary before
   * the target's operation is kept, so the next step there copies it and replays at most one operation.
   */
  stateAt(seq: number): Machine {
    const live = this.live;
    const ops = live.ops;
    // Operations ended by step seq: those that began by seq + 1 steps, except the last such one when it goes on past it.
    let ended = ops.countStartedBy(seq + 1);
    if (ended > 0 && this.stepsAt(ended) > seq + 1) ended--;
    const partial = this.stepsAt(ended) < seq + 1 && ended < ops.count;
    const stepping = this.lastEnded >= 0 && Math.abs(ended - this.lastEnded) <= NEAR_OPS;
    this.lastEnded = ended;
    let base = this.snapshots[0]!;
    for (const s of this.snapshots) if (s.opIndex <= ended && s.opIndex > base.opIndex) base = s;
    for (const s of this.near) if (s.opIndex <= ended && s.opIndex > base.opIndex) base = s;
    let view: Machine;
    if (this.lastInside?.seq === seq) {
      view = Machine.sharing(this.lastInside.machine);
    } else if (base.opIndex === ended && !partial) {
      view = Machine.sharing(base.machine);
    } else {
      let machine = this.replayed(base, ended);
      if (!partial) {
        if (base.opIndex !== ended) this.keepNear(machine, ended);
      } else {
        if (base.opIndex !== ended && stepping) {
          // Stepping: keep the boundary, and step inside the operation on a copy of it.
          this.keepNear(machine, ended);
          machine = new Machine({}, machine);
        }
        // Step seq lies inside the next operation: run it until step seq is recorded.
        counting(machine, this.stepsAt(ended)).stopAt = seq + 1;
        replayOps(machine, ops, ended, ended + 1, () => true);
        // Kept too (asked again, e.g. a debugger command re-run or a panel re-rendering, it is shared).
        this.lastInside = { seq, machine, stateBytes: base.stateBytes };
        this.boundNear();
      }
      view = Machine.sharing(machine);
    }
    view.trace = live.trace; // share the recorded steps for reading
    view.readOnly = true;
    view.viewStepCount = seq + 1;
    return view;
  }

  /** Steps recorded by the end of the first `opIndex` operations. */
  private stepsAt(opIndex: number): number {
    return opIndex < this.live.ops.count ? this.live.ops.stepAt(opIndex) : this.live.trace.count;
  }

  /** A private copy of `base` advanced to operation boundary `to`, counting steps without storing them. */
  private replayed(base: Snapshot, to: number): Machine {
    const machine = new Machine({}, base.machine);
    counting(machine, base.stepCount);
    replayOps(machine, this.live.ops, base.opIndex, to, () => true);
    return machine;
  }

  /**
   * Keeps `machine` (at operation boundary `opIndex`, never changed from here on) as a base near the
   * cursor: at most NEAR_MAX, the oldest goes first; counted against the budget like snapshots.
   */
  private keepNear(machine: Machine, opIndex: number): void {
    if (this.near.some((s) => s.opIndex === opIndex)) return;
    this.near.push({ opIndex, stepCount: this.stepsAt(opIndex), machine, stateBytes: machineStateBytes(machine) });
    if (this.near.length > NEAR_MAX) this.near.shift();
    this.boundNear();
  }

  /**
   * The machines kept near the cursor share page contents with the snapshots and the present until
   * either is rewritten; each is counted by its own copies plus the contents neither the snapshot
   * before it nor the present holds (the last state inside an operation: all the present no longer
   * holds, an upper bound). Past the budget they go only after every snapshot that can go (boundMemory).
   */
  private nearBytes(): number {
    let n = 0;
    const live = this.live.mm;
    for (const s of this.near) {
      // Contents it shares with the snapshot before it are counted there already.
      let older = this.snapshots[0]!;
      for (const x of this.snapshots) if (x.opIndex <= s.opIndex) older = x;
      const mm = s.machine.mm;
      n += s.stateBytes + mm.phys.uniqueBytes(older.machine.mm.phys, live.phys) + mm.pageFile.uniqueBytes(older.machine.mm.pageFile, live.pageFile);
    }
    if (this.lastInside) {
      // Built from a kept machine or a snapshot and one operation: what it holds beyond both is at most what that operation wrote.
      const mm = this.lastInside.machine.mm;
      n += this.lastInside.stateBytes + mm.phys.bytesNotIn(live.phys) + mm.pageFile.bytesNotIn(live.pageFile);
    }
    return n;
  }

  /**
   * The machines kept near the cursor hold at most `cap` bytes: the oldest goes first, then the state
   * inside an operation, then the newest. A machine replayed far from its snapshot holds a private copy
   * of every chunk the replay wrote (the jump bench's session: 181 MB for one), and with no cap they
   * pushed snapshots out one jump after another until 2 were left (see the header).
   */
  private capNear(cap: number): void {
    while ((this.lastInside || this.near.length > 0) && this.nearBytes() > cap) {
      if (this.near.length > 1) this.near.shift();
      else if (this.lastInside) this.lastInside = undefined;
      else this.near.shift();
    }
  }

  /** After keeping a machine: the budget holds (snapshots go first, see boundMemory). */
  private boundNear(): void {
    const mm = this.live.mm;
    this.boundMemory(mm.phys.retiredSharedBytes + mm.pageFile.retiredSharedBytes);
  }

  /** The operation log lost its tail (a roll-back): machines kept past it no longer describe the log. */
  forgetAfter(opIndex: number): void {
    this.near = this.near.filter((s) => s.opIndex <= opIndex);
    this.lastInside = undefined;
    if (this.lastEnded > opIndex) this.lastEnded = -1;
  }

  /** The machine after the first `opIndex` operations (which recorded `stepCount` steps): for a roll-back. */
  rebuild(opIndex: number, stepCount: number): Machine {
    this.forgetAfter(opIndex);
    let snap = this.snapshots[0]!;
    for (const s of this.snapshots) if (s.opIndex <= opIndex) snap = s;
    for (const s of this.near) if (s.opIndex <= opIndex && s.opIndex > snap.opIndex) snap = s;
    const view = new Machine({}, snap.machine);
    const counter = new StepLog();
    counter.countOnly = true;
    counter.count = snap.stepCount;
    view.setTrace(counter);
    replayOps(view, this.live.ops, snap.opIndex, opIndex, () => true);
    if (counter.count !== stepCount) throw new Error(`roll-back replay recorded ${counter.count} steps, expected ${stepCount}`);
    return view;
  }
}
