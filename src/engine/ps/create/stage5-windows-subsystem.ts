// Stage 5: Windows subsystem-specific initialization — CSRSS of the session learns about the new
// process and thread (CSR_PROCESS and CSR_THREAD in CSRSS's memory).
// Windows Internals 7e ch. 3, "Stage 5: Performing Windows subsystem-specific initialization".
import { IMAGE_SUBSYSTEM_WINDOWS_CUI, IMAGE_SUBSYSTEM_WINDOWS_GUI, type PeImage } from '../../io/pe';
import type { ProcessObject, ThreadObject } from '../../process';
import { PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS } from '../../constants';
import { insertHandle } from '../handles';
import type { ProcessManager } from '../processManager';

export function notifyWindowsSubsystem(pm: ProcessManager, p: ProcessObject, pe: PeImage, thread: ThreadObject): void {
  const t = pm.trace;
  const st = pm.state(p);
  const pid = p.pid;
  if (pe.subsystem === IMAGE_SUBSYSTEM_WINDOWS_GUI || pe.subsystem === IMAGE_SUBSYSTEM_WINDOWS_CUI) {
    const csrssPid = pm.csrssBySession.get(p.sessionId) ?? 0;
    const csrss = csrssPid ? pm.ctx.byPid.get(csrssPid) : undefined;
    if (csrss && !csrss.exited) {
      const base = (pm.state(csrss).heap || 0x1F000000000n) + 0x10000n;
      st.csrProcess = base + BigInt(pm.csrCursor++ % 0x10000) * 0x180n;
      thread.csrThread = st.csrProcess + 0xC0n;
    }
    t.step('create.csr')?.n(pid).n(thread.tid).n(csrss && !csrss.exited ? csrssPid : 0).a(st.csrProcess).a(thread.csrThread ?? 0n).change('process', pid).change('thread', thread.tid);
    if (csrss && !csrss.exited) {
      // CSRSS duplicates a handle for the process and for the thread (their usage counts go from 1 to 2): it keeps
      // them in CSR_PROCESS.ProcessHandle and CSR_THREAD.ThreadHandle for as long as the process lives
      // (Windows Internals 7e ch. 3, stage 5, step 1; csrsrv public symbols for the two fields).
      const hProcess = insertHandle(pm, csrss, st.objectId, PROCESS_ALL_ACCESS);
      const hThread = insertHandle(pm, csrss, thread.objectId!, THREAD_ALL_ACCESS);
      st.csrHandles = { csrssPid, handles: [hProcess, hThread], objectIds: [st.objectId, thread.objectId!] };
      t.step('create.csrHandles')?.n(pid).n(csrssPid).n(hProcess).n(hThread).change('process', csrssPid);
    }
  }
}
