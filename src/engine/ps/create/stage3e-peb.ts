// Stage 3E: setting up the PEB (MmCreatePeb: image base, OS version, subsystem, session) and the
// process parameters (RTL_USER_PROCESS_PARAMETERS with image path, command line, current directory and
// environment). Windows Internals 7e ch. 3, stage 3E "Setting up the PEB": MmCreatePeb takes a page with
// MiCreatePebOrTeb (kernel work: no NtAllocateVirtualMemory call, so no vm.* step of its own); a WoW64 process
// also gets a 32-bit PEB (Part 2 ch. 8, "WoW64"). MmCreatePeb's caller is NtCreateUserProcess (the book's stage 3E).
import { PAGE_SIZE } from '../../constants';
import type { PeImage } from '../../io/pe';
import type { ProcessObject } from '../../process';
import type { ProcessManager } from '../processManager';
import { OS_VERSION, PEB, PROCESS_PARAMETERS } from '../userLayout';
import { createPebOrTeb } from '../../mm/virtual';
import { kernelAlloc, utf16, writeUser } from '../userMemory';

/** Stage 3E: the PEB page and the process parameters it points at. */
export function createPeb(pm: ProcessManager, p: ProcessObject, pe: PeImage, commandLine: string): void {
  const t = pm.trace;
  const st = pm.state(p);
  const pid = p.pid;
  // One page at the start of the process's randomized bottom-up region; its TEBs follow it page by page.
  const peb = createPebOrTeb(pm.mm, p, 1, p.bottomUpStartVpn);
  p.peb = peb;
  const pebBytes = new Uint8Array(PEB.size);
  const pv = new DataView(pebBytes.buffer);
  pv.setUint8(PEB.BeingDebugged, st.debuggerPid ? 1 : 0);
  pv.setBigUint64(PEB.ImageBaseAddress, st.imageBase, true);
  pv.setUint32(PEB.NumberOfProcessors, pm.ctx.processors, true);
  pv.setUint32(PEB.OSMajorVersion, OS_VERSION.major, true);
  pv.setUint32(PEB.OSMinorVersion, OS_VERSION.minor, true);
  pv.setUint16(PEB.OSBuildNumber, OS_VERSION.build, true);
  pv.setUint32(PEB.ImageSubsystem, pe.subsystem, true);
  pv.setUint32(PEB.ImageSubsystemMajorVersion, pe.majorSubsystemVersion, true);
  pv.setUint32(PEB.SessionId, p.sessionId, true);
  t.step('create.peb')?.n(pid).a(peb).change('process', pid).change('vad', pid, Number(peb));
  if (st.wow64) {
    // PEB32: ImageBaseAddress at +0x8 as a 32-bit pointer (the 32-bit ntdll reads this one).
    st.peb32 = createPebOrTeb(pm.mm, p, 1, Number(peb / 0x1000n));
    const peb32 = new Uint8Array(0x10);
    new DataView(peb32.buffer).setUint32(0x8, Number(st.imageBase), true);
    writeUser(pm, p, st.peb32, peb32);
    t.step('create.peb32')?.n(pid).a(st.peb32).change('process', pid).change('vad', pid, Number(st.peb32));
  }
  const params = writeProcessParameters(pm, p, commandLine);
  pv.setBigUint64(PEB.ProcessParameters, params, true);
  writeUser(pm, p, peb, pebBytes);
}

/** PATH in the environment block every process of the lab gets (the lab's model: one fixed environment). */
export const LAB_ENVIRONMENT_PATH = 'C:\\Windows\\system32;C:\\Windows';

export function writeProcessParameters(pm: ProcessManager, p: ProcessObject, commandLine: string): bigint {
  const st = pm.state(p);
  const image = utf16(p.imagePath);
  const cmd = utf16(commandLine);
  const cd = utf16(st.currentDirectory.endsWith('\\') ? st.currentDirectory : st.currentDirectory + '\\');
  const env = utf16(`ALLUSERSPROFILE=C:\\ProgramData\0ComputerName=LAB\0SystemRoot=C:\\Windows\0Path=${LAB_ENVIRONMENT_PATH}\0\0`);
  const total = PROCESS_PARAMETERS.size + image.length + 2 + cmd.length + 2 + cd.length + 2 + env.length;
  const size = Math.ceil(total / PAGE_SIZE) * PAGE_SIZE;
  const base = kernelAlloc(pm, p, BigInt(size));
  const bytes = new Uint8Array(total);
  const v = new DataView(bytes.buffer);
  v.setUint32(PROCESS_PARAMETERS.MaximumLength, PROCESS_PARAMETERS.size, true);
  v.setUint32(PROCESS_PARAMETERS.Length, PROCESS_PARAMETERS.size, true);
  v.setUint32(PROCESS_PARAMETERS.Flags, 0x1, true); // RTL_USER_PROC_PARAMS_NORMALIZED
  let at: number = PROCESS_PARAMETERS.size;
  const str = (offset: number, s: Uint8Array): void => {
    v.setUint16(offset, s.length, true);
    v.setUint16(offset + 2, s.length + 2, true);
    v.setBigUint64(offset + 8, base + BigInt(at), true);
    bytes.set(s, at);
    at += s.length + 2;
  };
  str(PROCESS_PARAMETERS.CurrentDirectory, cd); // CurrentDirectory.DosPath
  str(PROCESS_PARAMETERS.ImagePathName, image);
  str(PROCESS_PARAMETERS.CommandLine, cmd);
  v.setBigUint64(PROCESS_PARAMETERS.Environment, base + BigInt(at), true);
  st.environment = base + BigInt(at);
  bytes.set(env, at);
  v.setBigUint64(PROCESS_PARAMETERS.EnvironmentSize, BigInt(env.length), true);
  writeUser(pm, p, base, bytes);
  st.processParameters = base;
  st.processParametersSize = total;
  const t = pm.trace;
  t.step('create.processParameters')?.n(p.pid).a(base).n(total).change('vad', p.pid, Number(base));
  return base;
}
