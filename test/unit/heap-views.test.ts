// The heaps as a learner sees them: the sidebar's Heaps group (heap, segments, busy/free/uncommitted
// blocks, paged), `dt ntdll!_HEAP` / `_HEAP_ENTRY` at the real offsets with the values memory holds,
// and the kernel debugger's !heap (list, -s, -a, -x) checked against the engine's own queries.
import { describe, expect, it } from 'vitest';
import { createSystem, describeObject, type System } from '../../src/engine';
import { runKd, type KdState, type KdView } from '../../src/extension/kd/kd';
import { pointerDigits as ptr16 } from '../../src/extension/present/format';
import { hex } from '../../src/extension/present/format';
import { ProcessesModel, tooltipText, Touched, type Localizer, type TreeNode } from '../../src/extension/views/model';

const l10n: Localizer = { t: (m, ...a) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) };

function lab(): { sys: System; pid: number; heap: bigint; blocks: bigint[]; run(line: string): string[] } {
  const sys = createSystem({ boot: false, seed: 4 });
  const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
  const k = sys.win32(pid);
  const heap = k.GetProcessHeap();
  const blocks = [k.HeapAlloc(heap, 0, 0x100n), k.HeapAlloc(heap, 0, 0x200n), k.HeapAlloc(heap, 0, 0x300n)];
  k.HeapFree(heap, 0, blocks[1]!);
  const view: KdView = { system: sys, live: sys, cursor: undefined };
  const state: KdState = { pid };
  return { sys, pid, heap, blocks, run: (line) => runKd(view, state, line).lines };
}

const read = (sys: System, pid: number, va: bigint, n: number): DataView => new DataView(sys.win32(pid).ReadMemory(va, n).buffer);

describe('dt of the heap structures', () => {
  it('_HEAP fields sit at the offsets memory holds them (signatures, FirstEntry, TotalFreeSize, ProcessHeapsListIndex)', () => {
    const { sys, pid, heap } = lab();
    const l = describeObject(sys, { kind: 'HEAP', pid, index: Number(heap) })!;
    expect(l.typeName).toBe('_HEAP');
    expect(l.size).toBe(0x2C0);
    const f = (name: string) => l.fields.find((x) => x.name === name)!;
    expect(read(sys, pid, heap + BigInt(f('SegmentSignature').offset), 4).getUint32(0, true)).toBe(f('SegmentSignature').value);
    expect(read(sys, pid, heap + BigInt(f('Signature').offset), 4).getUint32(0, true)).toBe(f('Signature').value);
    expect(read(sys, pid, heap + BigInt(f('FirstEntry').offset), 8).getBigUint64(0, true)).toBe(f('FirstEntry').value);
    expect(BigInt(read(sys, pid, heap + BigInt(f('TotalFreeSize').offset), 8).getBigUint64(0, true))).toBe(BigInt(f('TotalFreeSize').value as number));
    expect(read(sys, pid, heap + BigInt(f('ProcessHeapsListIndex').offset), 2).getUint16(0, true)).toBe(1);
    expect(read(sys, pid, heap + BigInt(f('VirtualMemoryThreshold').offset), 4).getUint32(0, true)).toBe(0xFF00);
  });

  it('_HEAP_ENTRY is the block header decoded: size and previous size in 16-byte units, busy flag, checksum', () => {
    const { sys, pid, heap, blocks } = lab();
    const e = describeObject(sys, { kind: 'HEAP_ENTRY', pid, index: Number(blocks[0]! - 16n) })!;
    const f = (name: string) => e.fields.find((x) => x.name === name)!.value as number;
    expect(f('Size')).toBe(0x110 / 16);
    expect(f('Flags') & 1).toBe(1);
    expect(f('SmallTagIndex')).toBe((f('Size') & 0xFF) ^ (f('Size') >> 8) ^ f('Flags'));
    const freed = describeObject(sys, { kind: 'HEAP_ENTRY', pid, index: Number(blocks[1]! - 16n) })!;
    expect(freed.fields.find((x) => x.name === 'Flags')!.value).toBe(0);
    expect(freed.fields.find((x) => x.name === 'PreviousSize')!.value).toBe(0x110 / 16);
    expect(describeObject(sys, { kind: 'HEAP_ENTRY', pid, index: Number(blocks[0]!) })).toBeUndefined(); // not a header
    expect(describeObject(sys, { kind: 'HEAP', pid, index: Number(heap) + 16 })).toBeUndefined();
  });
});

describe('!heap', () => {
  it('lists the heaps, summarizes them, shows the entries of each segment and finds the block of an address', () => {
    const { sys, pid, heap, blocks, run } = lab();
    const h = sys.win32(pid).HeapCreate(0, 0n, 0x20000n);
    expect(run('!heap')).toEqual(['        Heap Address      NT/Segment Heap', '', `${heap.toString(16).padStart(20)}              NT Heap`, `${h.toString(16).padStart(20)}              NT Heap`]);
    const s = run('!heap -s');
    expect(s.some((x) => x.startsWith(ptr16(heap)))).toBe(true);
    const a = run(`!heap -a ${heap.toString(16)}`);
    const entries = sys.queryHeapBlocks(pid, heap, 0, 100_000).blocks;
    for (const b of entries) expect(a.some((x) => x.includes(ptr16(b.address))), b.address.toString(16)).toBe(true);
    const b0 = entries.find((b) => b.address === blocks[0]! - 16n)!;
    expect(a).toContain(`        ${ptr16(b0.address)}: ${b0.previousSize.toString(16).padStart(5, '0')} . 00110 [01] - busy (100)`);
    expect(a).toContain(`        ${ptr16(blocks[1]! - 16n)}: 00110 . 00210 [00] - free`);
    expect(a.some((x) => x.endsWith('- uncommitted bytes.'))).toBe(true);
    const x = run(`!heap -x ${(blocks[2]! + 5n).toString(16)}`);
    expect(x[2]).toContain(ptr16(blocks[2]! - 16n));
    expect(x[2]).toContain('busy');
    expect(run('!heap -q')[0]).toMatch(/unknown option/);
    expect(run('dt ntdll!_HEAP ' + heap.toString(16)).some((l) => l.includes('Signature') && l.includes('0xeeffeeff'))).toBe(true);
  });
});

describe('the sidebar', () => {
  it('shows Heaps > heap > segments > blocks, with the process heap marked and the displayed step highlighted', () => {
    const { sys, pid, heap, blocks } = lab();
    const m = new ProcessesModel(l10n);
    m.setSystem(sys, false);
    const find = (node: TreeNode, kind: string): TreeNode => m.children(node).find((c) => c.kind === kind)!;
    const proc = m.find({ type: 'process', pid })!;
    const heaps = find(proc, 'heaps');
    expect(m.describe(heaps).label).toBe('Heaps');
    const heapNode = m.children(heaps)[0]!;
    expect(m.describe(heapNode).label).toBe(`${hex(heap)} (process heap)`);
    expect(tooltipText(m.describe(heapNode))).toContain('_HEAP.Encoding');
    const segment = find(heapNode, 'heapSegment');
    expect(m.describe(segment).label).toBe('Segment 0');
    const rows = m.children(segment).map((n) => m.describe(n));
    const total = sys.queryHeapBlocks(pid, heap, 0, 0, 0).total;
    expect(rows).toHaveLength(total);
    expect(rows.map((r) => r.description!.split(' · ')[0])).toContain('free');
    expect(rows.some((r) => r.description === 'busy · 512 bytes')).toBe(false); // the freed one
    expect(rows.some((r) => r.description === 'busy · 256 bytes')).toBe(true);
    expect(rows.at(-1)!.description!.startsWith('uncommitted')).toBe(true);
    // The last step (RtlFreeHeap) named the process: the Heaps row is highlighted; before any step nothing is.
    expect(m.describe(heaps).touched).toBe(false);
    m.touched = Touched.from(sys.getSteps(sys.stepCount - 1, sys.stepCount)[0]!.changes);
    expect(m.describe(heaps).touched).toBe(true);
    void blocks;
  });
});
