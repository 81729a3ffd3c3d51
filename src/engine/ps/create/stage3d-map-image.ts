// Stage 3D: MmInitializeProcessAddressSpace — concluding the address space: a view of the image section
// made in stage 2, then the system DLLs (PspMapSystemDll): ntdll's system-wide section at this boot's base and,
// for a WoW64 process, the 32-bit ntdll too. Windows Internals 7e ch. 3, stage 3D "Concluding the setup of the
// process address space" (its list: the image section mapped, "Ntdll.dll is mapped into the process", the 32-bit
// one too for WoW64); Part 2 ch. 8 "WoW64"; routine names from the public symbols (the book names no caller of
// PspMapSystemDll, so the simulation claims none).
import { FILE_MAP_READ } from '../../constants';
import { PeFormatError, type PeImage } from '../../io/pe';
import { mapView } from '../../mm/sectionApi';
import type { ProcessObject } from '../../process';
import { imageBaseFor, imageSection, parse } from '../images';
import { mapSharedUserData } from '../sharedUserData';
import { SYSTEM32 } from '../paths';
import type { ProcessManager } from '../processManager';

/** Where the 32-bit system DLLs of WoW64 live. */
export const SYSWOW64 = 'C:\\Windows\\SysWOW64';

export function mapImageAndNtdll(pm: ProcessManager, p: ProcessObject, pe: PeImage): void {
  const t = pm.trace;
  const mm = pm.mm;
  const st = pm.state(p);
  const pid = p.pid;
  st.imageBase = imageBaseFor(pm, st.fileId, pe);
  st.imageSize = pe.sizeOfImage;
  st.entryPoint = st.imageBase + BigInt(pe.addressOfEntryPoint);
  // The shared user data page, read-only at 0x7FFE0000 in every process.
  mapSharedUserData(pm, p);
  // The image section object made in stage 2: a view of it at this boot's base (no new section here).
  const exeSection = mm.sectionRegistry.sections.get(st.sectionId)!;
  mapView(mm, p, exeSection, FILE_MAP_READ, 0n, 0n, st.imageBase);
  // PspMapSystemDll: ntdll's section (PspSystemDlls, referenced for the whole boot).
  const mapSystemDll = (path: string): { base: bigint; size: number } | undefined => {
    const file = pm.ctx.fs.getFile(path);
    if (!file) return undefined;
    const dll = parse(pm, file.fileId, file.version, file.data);
    if (dll instanceof PeFormatError) return undefined;
    const base = imageBaseFor(pm, file.fileId, dll);
    mapView(mm, p, imageSection(pm, p, file, true), FILE_MAP_READ, 0n, 0n, base);
    t.step('create.mapSystemDll')?.n(pid).s(file.path).a(base).n(dll.sizeOfImage).change('process', pid).change('vad', pid, Number(base));
    return { base, size: dll.sizeOfImage };
  };
  const ntdll = mapSystemDll(`${SYSTEM32}\\ntdll.dll`);
  if (ntdll) { st.ntdllBase = ntdll.base; st.ntdllSize = ntdll.size; }
  if (st.wow64) st.ntdll32Base = mapSystemDll(`${SYSWOW64}\\ntdll.dll`)?.base ?? 0n;
  t.step('create.mapImage')?.n(pid).a(st.imageBase).n(pe.sizeOfImage).a(st.ntdllBase).n(st.ntdllSize).b(true).change('process', pid).change('vad', pid, Number(st.imageBase));
}
