// The narrow engine queries the debugger's listings rely on to stay linear on 2,000 processes: a
// filtered querySections (one control area; the views of one process or none) and describeObject's
// thread lookup told the owning process. Each must answer exactly what the unfiltered form answers.
import { describe, expect, it } from 'vitest';
import { createSystem, describeObject, PAGE_READWRITE, FILE_MAP_WRITE } from '../../src/engine';

function lab() {
  const sys = createSystem({ seed: 3 });
  const a = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
  const b = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
  const h = sys.win32(a).CreateFileMapping(-1, PAGE_READWRITE, 0x4000n, 'KdQueries');
  sys.win32(a).MapViewOfFile(h, FILE_MAP_WRITE, 0n, 0x4000n);
  return { sys, a, b };
}

describe('querySections filter', () => {
  it('controlArea gives exactly that control area, views and all', () => {
    const { sys } = lab();
    const all = sys.querySections();
    expect(all.length).toBeGreaterThan(2);
    for (const s of all) expect(sys.querySections({ controlArea: s.controlArea })).toEqual([s]);
    expect(sys.querySections({ controlArea: 0x7FFFFFFF })).toEqual([]);
  });

  it("views: 'none' keeps every other field; a pid keeps only that process's views", () => {
    const { sys, a } = lab();
    const all = sys.querySections();
    const none = sys.querySections({ views: 'none' });
    expect(none).toEqual(all.map((s) => ({ ...s, views: [] })));
    const ofA = sys.querySections({ views: a });
    expect(ofA).toEqual(all.map((s) => ({ ...s, views: s.views.filter((v) => v.pid === a) })));
    expect(ofA.some((s) => s.views.length > 0 && s.file === null)).toBe(true);
  });
});

describe('describeObject with the owning process', () => {
  it('ETHREAD/KTHREAD/TEB told the pid equal the search through every process; a wrong pid finds nothing', () => {
    const { sys, a, b } = lab();
    for (const pid of sys.processIds) {
      for (const th of sys.queryProcess(pid)!.threads) {
        for (const kind of ['ETHREAD', 'KTHREAD', 'TEB'] as const) {
          expect(describeObject(sys, { kind, tid: th.tid, pid })).toEqual(describeObject(sys, { kind, tid: th.tid }));
        }
      }
    }
    const tidOfA = sys.queryProcess(a)!.threads[0]!.tid;
    expect(describeObject(sys, { kind: 'ETHREAD', tid: tidOfA, pid: b })).toBeUndefined();
  });
});
