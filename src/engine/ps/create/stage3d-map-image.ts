// Stage 3D: MmInitializeProcessAddressSpace — concluding the address space: the image section and
// ntdll's system-wide section mapped at this boot's bases.
// Windows Internals 7e ch. 3, stage 3D "Concluding the setup of the process address space".
import { FILE_MAP_READ } from '../../constants';
import { PeFormatError, type PeImage } from '../../io/pe';
import { mapView } from '../../mm/sectionApi';
import type { ProcessObject } from '../../process';
import { imageBaseFor, imageSection, parse } from '../images';
import { SYSTEM32 } from '../paths';
import type { ProcessManager } from '../processManager';

export function mapImageAndNtdll(pm: ProcessManager, p: ProcessObject, pe: PeImage): void {
  const t = pm.trace;
  const mm = pm.mm;
  const st = pm.state(p);
  const pid = p.pid;
  st.imageBase = imageBaseFor(pm, st.fileId, pe);
  st.imageSize = pe.sizeOfImage;
  st.entryPoint = st.imageBase + BigInt(pe.addressOfEntryPoint);
  const ntdll = pm.ctx.fs.getFile(`${SYSTEM32}\\ntdll.dll`);
  if (ntdll) {
    const ntpe = parse(pm, ntdll.fileId, ntdll.version, ntdll.data);
    if (!(ntpe instanceof PeFormatError)) { st.ntdllBase = imageBaseFor(pm, ntdll.fileId, ntpe); st.ntdllSize = ntpe.sizeOfImage; }
  }
  // The image section (made in stage 2) and ntdll's system-wide section are mapped at this boot's bases.
  const exeFile = pm.ctx.fs.getFileById(st.fileId)!;
  const exeSection = imageSection(pm, p, exeFile);
  st.sectionId = exeSection.id;
  mapView(mm, p, exeSection, FILE_MAP_READ, 0n, 0n, st.imageBase);
  if (ntdll && st.ntdllBase) mapView(mm, p, imageSection(pm, p, ntdll, true), FILE_MAP_READ, 0n, 0n, st.ntdllBase);
  t.step('create.mapImage')?.n(pid).a(st.imageBase).n(pe.sizeOfImage).a(st.ntdllBase).n(st.ntdllSize).b(true).change('process', pid).change('vad', pid, Number(st.imageBase));
}
