// An index over the recorded steps for the stepping panels: where each CreateProcess begins and
// ends, and where each page fault is. Built once when a panel opens, in slices of the trace, then
// extended with only the new steps as the live system records more. Pure: engine types only.
import type { Step, System } from '../../engine';
import { CREATION_STAGE_IDS, type FaultKind } from '../../shared/protocol';
import { faultKindOf } from '../present/names';

/** One recorded CreateProcess: steps [start, end). */
export interface CreationFlow {
  start: number;
  end: number;
  image: string;
  pid?: number;
}

const SCAN_SLICE = 4096;
const STAGE_ORDER = new Map<string, number>(CREATION_STAGE_IDS.map((s, i) => [s, i]));
const KIND_INDEX = new Map<string, number>();
const KINDS: Array<FaultKind | 'other'> = ['demandZero', 'transition', 'pageFile', 'prototype', 'copyOnWrite', 'guardPage', 'accessViolation', 'pageTable', 'dirtyBit', 'store', 'other'];
KINDS.forEach((k, i) => KIND_INDEX.set(k, i));

export class TraceIndex {
  readonly flows: CreationFlow[] = [];
  /** Seq of every page-fault step, ascending, with its kind. */
  private faultSeqs = new Int32Array(1024);
  private faultKinds = new Uint8Array(1024);
  private faultCount = 0;
  private scanned = 0;
  private open: CreationFlow | undefined;
  private lastStage = -1;

  constructor(private readonly system: System) {
    this.update();
  }

  /** Number of steps indexed so far. */
  get indexedSteps(): number { return this.scanned; }

  /** Indexes the steps recorded since the last call. */
  update(): void {
    const total = this.system.stepCount;
    while (this.scanned < total) {
      const end = Math.min(total, this.scanned + SCAN_SLICE);
      for (const step of this.system.getSteps(this.scanned, end)) this.add(step);
      this.scanned = end;
    }
    if (this.open) this.open.end = this.scanned;
  }

  private add(step: Step): void {
    const order = step.stage !== undefined ? STAGE_ORDER.get(step.stage) ?? -1 : -1;
    if (order < 0) {
      // The debugger's wait/continue and the release of a debuggee's thread sit between the stage-7
      // steps of a process created for debugging: they belong to its flow.
      if (!this.open || !(step.code.startsWith('debug.') || step.code === 'thread.deferredReady' || step.code === 'thread.ready')) {
        this.open = undefined;
        this.lastStage = -1;
      } else this.open.end = step.seq + 1;
    } else {
      // A CreateProcess starts at its first staged step; a stage earlier than the last one starts the
      // next. A creation nested in stage 7 (conhost.exe for a console program) ends its own flow, and
      // the outer process's remaining stage-7 steps continue in a flow of their own.
      const pid = typeof step.args.pid === 'number' ? step.args.pid : undefined;
      const resumedOuter = !!this.open && order === this.lastStage && step.stage === '7' && pid !== undefined && this.open.pid !== undefined && pid !== this.open.pid;
      if (!this.open || order < this.lastStage || resumedOuter) {
        this.open = { start: step.seq, end: step.seq + 1, image: '' };
        if (resumedOuter) { this.open.pid = pid; this.open.image = this.system.queryProcess(pid!)?.imagePath ?? ''; }
        this.flows.push(this.open);
      }
      this.open.end = step.seq + 1;
      this.lastStage = order;
      if (!this.open.image && typeof step.args.image === 'string') this.open.image = step.args.image;
      if (this.open.pid === undefined && typeof step.args.pid === 'number' && order >= (STAGE_ORDER.get('3A') ?? 2)) this.open.pid = step.args.pid;
    }
    if (step.kind === 'pageFault') {
      if (this.faultCount === this.faultSeqs.length) {
        const s = new Int32Array(this.faultSeqs.length * 2); s.set(this.faultSeqs); this.faultSeqs = s;
        const k = new Uint8Array(this.faultKinds.length * 2); k.set(this.faultKinds); this.faultKinds = k;
      }
      this.faultSeqs[this.faultCount] = step.seq;
      this.faultKinds[this.faultCount] = KIND_INDEX.get(faultKindOf(step.code))!;
      this.faultCount++;
    }
  }

  /** The flow containing `seq`, if any. */
  flowAt(seq: number): CreationFlow | undefined {
    let lo = 0;
    let hi = this.flows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const f = this.flows[mid]!;
      if (seq < f.start) hi = mid - 1;
      else if (seq >= f.end) lo = mid + 1;
      else return f;
    }
    return undefined;
  }

  /** The flow starting exactly at `start`. */
  flowStartingAt(start: number): CreationFlow | undefined {
    const f = this.flowAt(start);
    return f && f.start === start ? f : undefined;
  }

  get latestFlow(): CreationFlow | undefined { return this.flows[this.flows.length - 1]; }

  /** Number of faults matching the filter. */
  countFaults(filter: FaultKind | 'all'): number {
    if (filter === 'all') return this.faultCount;
    const k = KIND_INDEX.get(filter)!;
    let n = 0;
    for (let i = 0; i < this.faultCount; i++) if (this.faultKinds[i] === k) n++;
    return n;
  }

  /** Counts per kind, for the filter. */
  faultCountsByKind(): Map<FaultKind | 'other', number> {
    const counts = new Map<FaultKind | 'other', number>();
    for (let i = 0; i < this.faultCount; i++) {
      const k = KINDS[this.faultKinds[i]!]!;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return counts;
  }

  /** Fault seqs matching the filter, newest first: the slice [start, start + count). */
  faults(filter: FaultKind | 'all', start: number, count: number): number[] {
    const k = filter === 'all' ? -1 : KIND_INDEX.get(filter)!;
    const out: number[] = [];
    let seen = 0;
    for (let i = this.faultCount - 1; i >= 0 && out.length < count; i--) {
      if (k >= 0 && this.faultKinds[i] !== k) continue;
      if (seen++ >= start) out.push(this.faultSeqs[i]!);
    }
    return out;
  }

  /** True when `seq` is a recorded page-fault step. */
  isFault(seq: number): boolean {
    return this.faultPosition(seq) >= 0;
  }

  /** The newest fault of the filter, or undefined. */
  latestFault(filter: FaultKind | 'all'): number | undefined {
    return this.faults(filter, 0, 1)[0];
  }

  /** The fault before/after `seq` (exclusive) matching the filter. */
  adjacentFault(seq: number, direction: 'previous' | 'next', filter: FaultKind | 'all'): number | undefined {
    const k = filter === 'all' ? -1 : KIND_INDEX.get(filter)!;
    let i = lowerBound(this.faultSeqs, this.faultCount, seq);
    if (direction === 'previous') {
      for (i = i - 1; i >= 0; i--) if (k < 0 || this.faultKinds[i] === k) return this.faultSeqs[i];
    } else {
      if (i < this.faultCount && this.faultSeqs[i] === seq) i++;
      for (; i < this.faultCount; i++) if (k < 0 || this.faultKinds[i] === k) return this.faultSeqs[i];
    }
    return undefined;
  }

  private faultPosition(seq: number): number {
    const i = lowerBound(this.faultSeqs, this.faultCount, seq);
    return i < this.faultCount && this.faultSeqs[i] === seq ? i : -1;
  }
}

function lowerBound(a: Int32Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1; else hi = mid;
  }
  return lo;
}
