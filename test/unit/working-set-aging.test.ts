// The aging pass skips a working set it left settled (every entry at the oldest age, Accessed clear,
// nothing referenced or changed since: WorkingSet.settled, mm/trim.ts MiAgeWorkingSet). The skip must
// never change a result: two identical machines see the same accesses, one ages normally, the other is
// made to walk every entry on every pass; their ages and PTEs must match after every pass.
import { describe, expect, it } from 'vitest';
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE } from '../../src/engine';
import { machineOf } from '../../src/engine/testing';
import { MiAgeWorkingSet } from '../../src/engine/mm/trim';

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';
const PAGES = 256;

function build(): { sys: ReturnType<typeof createSystem>; pid: number; base: bigint } {
  const sys = createSystem({ boot: false, physicalMemoryMB: 64, pageFileMB: 64, seed: 7 });
  const { pid } = sys.createProcess({ imagePath: NOTEPAD });
  const k = sys.win32(pid);
  const base = k.VirtualAlloc(0n, BigInt(PAGES) * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  for (let i = 0; i < PAGES; i++) k.WriteMemory(base + BigInt(i) * 4096n, new Uint8Array([i & 0xFF]));
  return { sys, pid, base };
}

/** The ages of the working set and the PTE words of its entries. */
function snapshot(sys: ReturnType<typeof createSystem>, pid: number): { ages: number[]; ptes: number[] } {
  const m = machineOf(sys);
  const p = m.byPid.get(pid)!;
  const ws = p.ws;
  const ages: number[] = [];
  const ptes: number[] = [];
  for (let i = 0; i < ws.lastEntry; i++) {
    const vpn = ws.vpn[i]!;
    if (vpn < 0) continue;
    ages.push(ws.age[i]!);
    if (m.mm.locate(p, vpn, false)) ptes.push(m.mm.readLo(m.mm.loc.table, m.mm.loc.index), m.mm.readHi(m.mm.loc.table, m.mm.loc.index));
    else ptes.push(-1);
  }
  return { ages, ptes };
}

describe('working-set aging (MiAgeWorkingSet)', () => {
  it('skipping settled working sets gives exactly the ages and PTEs of walking every entry on every pass', () => {
    const a = build();
    const b = build();
    const ma = machineOf(a.sys);
    const mb = machineOf(b.sys);
    // The passes below run outside the operation path.
    ma.detachFromReplay();
    mb.detachFromReplay();
    const pa = ma.byPid.get(a.pid)!;
    const pb = mb.byPid.get(b.pid)!;
    let seed = 99;
    const random = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
    let skipped = 0;
    for (let round = 0; round < 300; round++) {
      if (random(10) < 7) {
        if (pa.ws.settled) skipped++;
        MiAgeWorkingSet(ma.mm, pa);
        pb.ws.settled = false; // the reference walks every entry
        MiAgeWorkingSet(mb.mm, pb);
        expect(snapshot(a.sys, a.pid)).toEqual(snapshot(b.sys, b.pid));
      } else {
        // A few loads and stores, the same in both machines.
        for (let n = random(4); n >= 0; n--) {
          const va = a.base + BigInt(random(PAGES)) * 4096n;
          if (random(2)) {
            a.sys.win32(a.pid).ReadMemory(va, 1);
            b.sys.win32(b.pid).ReadMemory(va, 1);
          } else {
            const data = new Uint8Array([random(256)]);
            a.sys.win32(a.pid).WriteMemory(va, data);
            b.sys.win32(b.pid).WriteMemory(va, data);
          }
        }
      }
    }
    // The skip was taken (the test exercises it) and was not taken always.
    expect(skipped).toBeGreaterThan(10);
    expect(snapshot(a.sys, a.pid).ages.some((x) => x < 7)).toBe(true);
  }, 60_000);

  it('a page referenced after its working set settled is aged again (its age returns to 0)', () => {
    const { sys, pid, base } = build();
    const m = machineOf(sys);
    m.detachFromReplay();
    const p = m.byPid.get(pid)!;
    for (let i = 0; i < 9; i++) MiAgeWorkingSet(m.mm, p);
    expect(p.ws.settled).toBe(true);
    sys.win32(pid).ReadMemory(base + 5n * 4096n, 1);
    expect(p.ws.settled).toBe(false);
    MiAgeWorkingSet(m.mm, p);
    const vpn = Number((base + 5n * 4096n) / 4096n);
    let age = -1;
    for (let i = 0; i < p.ws.lastEntry; i++) if (p.ws.vpn[i] === vpn) age = p.ws.age[i]!;
    expect(age).toBe(0);
  }, 60_000);
});
