// The log of operations time travel replays. Memory accesses are by far the most frequent operations,
// so loads and stores are kept column-wise (a store's bytes in one growing pool); everything else is
// kept as an object. Entries are materialized as objects only while replaying.

/** A logged operation, as System.apply understands it. */
export interface LoggedAccess { op: 'read' | 'write'; pid: number; args: [number, number] | [number, Uint8Array] }

const KIND_OBJECT = 0;

const KIND_READ = 1;
const KIND_WRITE = 2;

export class OpLog<T extends { op: string }> {
  private kinds = new Uint8Array(1024);
  private pids = new Int32Array(1024);
  private a = new Float64Array(1024);
  private b = new Float64Array(1024);
  /** The step count when each entry began (so time travel knows which operations ended by a step). */
  private starts = new Float64Array(1024);
  private objects: T[] = [];
  private data = new Uint8Array(65536);
  private dataLength = 0;
  count = 0;

  /** Estimated heap bytes of the logged objects, as their pushers counted them (system/operations.ts copyForLog). */
  private objectBytes = 0;

  /** Bytes held: the columns, the store pool, the stores' length map and the logged objects (counted against time travel's budget). */
  get byteLength(): number {
    return this.kinds.byteLength + this.pids.byteLength + this.a.byteLength + this.b.byteLength + this.starts.byteLength + this.data.byteLength
      + this.lengths.byteLength + this.objects.length * 8 + this.objectBytes;
  }

  /** Logs an object entry; `bytes` is its estimated heap size (kept, so a truncation gives it back exactly). */
  push(op: T, stepCount: number, bytes: number): void {
    const i = this.slot(stepCount);
    this.kinds[i] = KIND_OBJECT;
    this.a[i] = bytes;
    this.b[i] = this.objects.length;
    this.objects.push(op);
    this.objectBytes += bytes;
  }

  /** Forgets the entries from `count` on (an operation rolled back). */
  truncate(count: number): void {
    while (this.count > count) {
      const i = --this.count;
      if (this.kinds[i] === KIND_OBJECT) { this.objects.pop(); this.objectBytes -= this.a[i]!; }
      else if (this.kinds[i] === KIND_WRITE) this.dataLength = this.b[i]!;
    }
  }

  pushRead(pid: number, va: number, size: number, stepCount: number): void {
    const i = this.slot(stepCount);
    this.kinds[i] = KIND_READ;
    this.pids[i] = pid;
    this.a[i] = va;
    this.b[i] = size;
  }

  pushWrite(pid: number, va: number, bytes: Uint8Array, stepCount: number): void {
    const i = this.slot(stepCount);
    this.kinds[i] = KIND_WRITE;
    this.pids[i] = pid;
    this.a[i] = va;
    if (this.dataLength + bytes.length > this.data.length) {
      const grown = new Uint8Array(Math.max(this.data.length * 2, this.dataLength + bytes.length));
      grown.set(this.data.subarray(0, this.dataLength));
      this.data = grown;
    }
    this.b[i] = this.dataLength;
    this.pids[i] = pid;
    this.data.set(bytes, this.dataLength);
    this.dataLength += bytes.length;
    this.lengths[i] = bytes.length;
  }
  /** Store lengths by entry (4 bytes a column entry; a Map cost about 40 per store). */
  private lengths = new Uint32Array(1024);

  get(i: number): T | LoggedAccess {
    switch (this.kinds[i]) {
      case KIND_READ: return { op: 'read', pid: this.pids[i]!, args: [this.a[i]!, this.b[i]!] };
      case KIND_WRITE: {
        const at = this.b[i]!;
        return { op: 'write', pid: this.pids[i]!, args: [this.a[i]!, this.data.subarray(at, at + this.lengths[i]!)] };
      }
      default: return this.objects[this.b[i]!]!;
    }
  }

  /** The step count when entry `i` began. */
  stepAt(i: number): number { return this.starts[i]!; }

  /** How many entries began at or before step count `steps` (binary search; starts never decrease). */
  countStartedBy(steps: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= steps) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  private slot(stepCount: number): number {
    if (this.count === this.kinds.length) {
      const n = this.count * 2;
      const st = new Float64Array(n); st.set(this.starts); this.starts = st;
      const l = new Uint32Array(n); l.set(this.lengths); this.lengths = l;
      const k = new Uint8Array(n); k.set(this.kinds); this.kinds = k;
      const p = new Int32Array(n); p.set(this.pids); this.pids = p;
      const a = new Float64Array(n); a.set(this.a); this.a = a;
      const b = new Float64Array(n); b.set(this.b); this.b = b;
    }
    this.starts[this.count] = stepCount;
    return this.count++;
  }
}
