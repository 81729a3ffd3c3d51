// The Sections view follows the time-travel cursor narrowly (issue 17): a cursor move asks the engine for
// the control areas without their views, and for the views of the processes the steps named one process
// at a time — never for every view of every process (a walk of all VADs: 300-400 ms with 2,000
// processes). What it refreshes is still every control area such a process maps or stopped mapping.
import { describe, expect, it } from 'vitest';
import { createSystem, FILE_MAP_ALL_ACCESS, PAGE_READWRITE, type SectionFilter, type System } from '../../src/engine';
import { Touched, type Localizer } from '../../src/extension/views/model';
import { SectionsModel } from '../../src/extension/views/objects';

const l10n: Localizer = { t: (m, ...a) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) };
const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';
const changesBetween = (system: System, from: number, to: number) => system.getSteps(from, to).flatMap((s) => s.changes);

/** `system` with every querySections call's filter recorded. */
function counted(system: System, calls: Array<SectionFilter | undefined>): System {
  return new Proxy(system, {
    get(target, key) {
      if (key === 'querySections') return (filter?: SectionFilter) => { calls.push(filter); return target.querySections(filter); };
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Control areas whose full view list (every process) holds `pid` in `system`. */
const mappedBy = (system: System, pid: number): number[] =>
  system.querySections().filter((s) => s.views.some((v) => v.pid === pid)).map((s) => s.controlArea).sort((a, b) => a - b);

describe('Sections view on a cursor move (issue 17)', () => {
  it('refreshes the control areas a created process maps without listing every view of every process', () => {
    const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    system.createProcess({ imagePath: NOTEPAD }); // the image section exists already: no control area comes
    const from = system.stepCount - 1;
    const { pid } = system.createProcess({ imagePath: NOTEPAD });
    const to = system.stepCount - 1;
    const m = new SectionsModel(l10n);
    m.setSystem(system.stateAt(from), false);
    for (const r of m.roots()) m.describe(r);
    const calls: Array<SectionFilter | undefined> = [];
    m.setSystem(counted(system.stateAt(to), calls), true);
    const refresh = m.invalidate(changesBetween(system, from + 1, to + 1), new Touched());
    // No call walked the views of every process: the list without views, then the named processes' own.
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(c?.views === 'none' || typeof c?.views === 'number' || c?.controlArea !== undefined).toBe(true);
    const expected = mappedBy(system, pid);
    expect(expected.length).toBeGreaterThan(1); // its image and ntdll at least
    if (refresh.all) throw new Error('expected a narrow refresh (no control area came or went)');
    const refreshed = [...refresh.nodes].map((n) => n.controlArea!);
    for (const ca of expected) expect(refreshed).toContain(ca);
    // The rows draw what the newer state holds: the view counts match the full query.
    for (const r of m.roots()) {
      const full = system.querySections({ controlArea: r.controlArea! })[0]!;
      expect(m.describe(r).description).toContain(full.views.length === 1 ? '1 view' : `${full.views.length} views`);
    }
  });

  it('refreshes a control area whose view went away with an exited process, though the newer state no longer lists it', () => {
    const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const { pid } = system.createProcess({ imagePath: NOTEPAD });
    const api = system.win32(pid);
    const h = api.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n, 'Local\\OnlyMine');
    api.MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0n, 0n);
    const ca = system.querySections().find((s) => s.sectionObjects.some((o) => o.name?.endsWith('OnlyMine')))!.controlArea;
    const from = system.stepCount - 1;
    system.psCall({ call: 'terminatePid', pid, exitCode: 0 });
    const to = system.stepCount - 1;
    const m = new SectionsModel(l10n);
    m.setSystem(system.stateAt(from), false);
    for (const r of m.roots()) m.describe(r); // views never drawn: the older state's views are not known to the model
    m.setSystem(system.stateAt(to), true);
    const refresh = m.invalidate(changesBetween(system, from + 1, to + 1), new Touched());
    // The control area may be gone (its last view and reference went): then the whole list refreshes.
    if (!refresh.all) expect([...refresh.nodes].map((n) => n.controlArea)).toContain(ca);
    // Every control area the process mapped before it exited is refreshed.
    const before = mappedBy(system.stateAt(from), pid);
    if (!refresh.all) for (const c of before) if (system.stateAt(to).querySections({ controlArea: c, views: 'none' }).length) expect([...refresh.nodes].map((n) => n.controlArea)).toContain(c);
  });
});
