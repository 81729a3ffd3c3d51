// Stage 2: opening the image to be executed (NtCreateUserProcess): the path search, .bat/.cmd run by
// cmd.exe, the PE checks and the image section, Image File Execution Options (Debugger), protection and
// signing level, the creator's job (breakaway, active-process limit) and the console the process gets.
// Windows Internals 7e ch. 3, "Stage 2: Opening the image to be executed".
import { AddressSpace } from '../../mm/addressSpace';
import {
  CREATE_BREAKAWAY_FROM_JOB, CREATE_PROTECTED_PROCESS, DEBUG_ONLY_THIS_PROCESS, DEBUG_PROCESS, ERROR_ACCESS_DENIED, ERROR_BAD_EXE_FORMAT,
  ERROR_CHILD_NOT_COMPLETE, ERROR_EXE_MACHINE_TYPE_MISMATCH, ERROR_FILE_NOT_FOUND, ERROR_INVALID_IMAGE_HASH, ERROR_NOT_ENOUGH_QUOTA,
  JOB_OBJECT_LIMIT_BREAKAWAY_OK, JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK,
} from '../../constants';
import { IFEO_KEY } from '../../config/registry';
import { IMAGE_FILE_MACHINE_ARM64, IMAGE_FILE_MACHINE_I386, IMAGE_SUBSYSTEM_WINDOWS_CUI, IMAGE_SUBSYSTEM_WINDOWS_GUI, PeFormatError } from '../../io/pe';
import type { ProcessObject } from '../../process';
import { imageSection, parse } from '../images';
import { jobChainLimit } from '../jobs';
import { baseName, splitCommandLine, SYSTEM32 } from '../paths';
import type { ProcessManager } from '../processManager';
import type { ConsoleMode } from '../state';
import { LAB_ENVIRONMENT_PATH } from './stage3e-peb';
import { failCreate, type CreatedProcess, type OpenedImage, type ValidatedParameters } from './creationState';

/** PS_PROTECTION levels (Type | Signer << 4) of the images Windows runs protected. */
export const PS_PROTECTED_WINTCB_LIGHT = 0x61;
export const PS_PROTECTED_WINSYSTEM = 0x72;
const PROTECTED_IMAGES: Record<string, number> = {
  'smss.exe': PS_PROTECTED_WINTCB_LIGHT, 'csrss.exe': PS_PROTECTED_WINTCB_LIGHT, 'wininit.exe': PS_PROTECTED_WINTCB_LIGHT, 'services.exe': PS_PROTECTED_WINTCB_LIGHT,
};
/** The address space an image section is made from when no process stands behind the creation (a system without boot processes): pid 0. */
const NO_CREATOR = new AddressSpace(-1, 0, -1);
/** SE_SIGNING_LEVEL_* */
export const SE_SIGNING_LEVEL_UNSIGNED = 1;
export const SE_SIGNING_LEVEL_MICROSOFT = 8;
export const SE_SIGNING_LEVEL_WINDOWS = 12;
export const SE_SIGNING_LEVEL_WINDOWS_TCB = 14;

/**
 * Stage 2 for the parameters of stage 1 (c.image becomes the canonical path). Returns the image and what
 * it decides, or the result of the creation it restarts with (cmd.exe for a script, an IFEO debugger).
 */
export function openImage(pm: ProcessManager, c: ValidatedParameters): OpenedImage | { restarted: CreatedProcess } {
  const t = pm.trace;
  const { o, flags, parent, parentState, requestedConsole } = c;
  const resolved = resolveImagePath(pm, c.image, parent);
  if (typeof resolved === 'number') return failCreate(pm, c.image, resolved);
  const image = c.image = resolved;
  const commandLine = o.commandLine ?? `"${image}"`;
  const ext = image.slice(image.lastIndexOf('.')).toLowerCase();
  if (ext === '.bat' || ext === '.cmd') {
    // Batch files run in cmd.exe: CreateProcessInternalW restarts with "cmd.exe /c <script> <args>".
    const [, args] = o.commandLine ? splitCommandLine(o.commandLine) : ['', ''];
    const cmd = `${SYSTEM32}\\cmd.exe`;
    const cl = `${SYSTEM32}\\cmd.exe /c "${image}"${args ? ' ' + args : ''}`;
    t.step('create.runBatch')?.s(image).s(cmd).s(cl).change('file', pm.ctx.fs.getFile(image)?.fileId ?? -1);
    t.currentStage = undefined;
    return { restarted: pm.createProcess({ ...o, imagePath: cmd, commandLine: cl }) };
  }
  const file = pm.ctx.fs.getFile(image)!;
  const pe = parse(pm, file.fileId, file.version, file.data);
  if (pe instanceof PeFormatError || pe.isDll) return failCreate(pm, image, ERROR_BAD_EXE_FORMAT);
  // The machine: x64 runs AMD64 images natively and i386 images under WoW64; an ARM64 image does not run
  // on x64 (ERROR_EXE_MACHINE_TYPE_MISMATCH, 216, "This version of %1 is not compatible with the version of
  // Windows you're running"). Microsoft Learn, "System Error Codes (0-499)"; "WOW64 Implementation Details".
  if (pe.machine === IMAGE_FILE_MACHINE_ARM64) return failCreate(pm, image, ERROR_EXE_MACHINE_TYPE_MISMATCH);
  const wow64 = pe.machine === IMAGE_FILE_MACHINE_I386;
  // The subsystem: CreateProcess runs Windows GUI and console images only. A native image (smss, csrss) or a
  // POSIX one (that subsystem is gone since Windows 8.1) fails with ERROR_CHILD_NOT_COMPLETE (129, "The %1
  // application cannot be run in Win32 mode"); RtlCreateUserProcess, which the system uses, has no such
  // check. Windows Internals 7e ch. 3, stage 2 (the image types CreateProcess accepts); Microsoft Learn,
  // "System Error Codes (0-499)".
  if (!o.native && pe.subsystem !== IMAGE_SUBSYSTEM_WINDOWS_GUI && pe.subsystem !== IMAGE_SUBSYSTEM_WINDOWS_CUI) return failCreate(pm, image, ERROR_CHILD_NOT_COMPLETE);
  t.step('create.openImage')?.s(image).n(file.fileId).n(pe.sizeOfImage).n(pe.subsystem).n(pe.addressOfEntryPoint).a(pe.imageBase).change('file', file.fileId);
  // Image File Execution Options: a Debugger value launches the debugger with the image as its argument.
  const exeName = baseName(image);
  const debuggerValue = pm.ctx.registry.getValue(`${IFEO_KEY}\\${exeName}`, 'Debugger');
  if (!o.ifeoApplied && !(flags & (DEBUG_PROCESS | DEBUG_ONLY_THIS_PROCESS)) && debuggerValue && typeof debuggerValue.data === 'string' && debuggerValue.data.trim()) {
    const [dbgExe] = splitCommandLine(debuggerValue.data);
    const cl = `${debuggerValue.data.trim()} ${commandLine}`;
    t.step('create.ifeo')?.s(image).s(debuggerValue.data).s(cl).change('system');
    t.currentStage = undefined;
    return { restarted: pm.createProcess({ ...o, imagePath: dbgExe, commandLine: cl, ifeoApplied: true }) };
  }
  // Protected processes and signature levels.
  const lower = exeName.toLowerCase();
  const inSystem32 = image.toLowerCase().startsWith(`${SYSTEM32.toLowerCase()}\\`) || image.toLowerCase() === 'c:\\windows\\explorer.exe' || image.toLowerCase().startsWith('c:\\windows\\');
  const protection = PROTECTED_IMAGES[lower] !== undefined && inSystem32 ? PROTECTED_IMAGES[lower]! : 0;
  const signatureLevel = protection ? SE_SIGNING_LEVEL_WINDOWS_TCB : inSystem32 ? SE_SIGNING_LEVEL_WINDOWS : image.toLowerCase().includes('\\windowsapps\\') ? SE_SIGNING_LEVEL_MICROSOFT : SE_SIGNING_LEVEL_UNSIGNED;
  if (flags & CREATE_PROTECTED_PROCESS) {
    const allowed = protection !== 0;
    t.step('create.signature')?.s(image).n(signatureLevel).n(protection).b(allowed).change('file', file.fileId);
    if (!allowed) return failCreate(pm, image, ERROR_INVALID_IMAGE_HASH);
  }
  // The parent's job: children join it unless they break away (and the job allows it).
  let jobId = parentState?.jobId ?? 0;
  if (jobId && (flags & CREATE_BREAKAWAY_FROM_JOB)) {
    const job = pm.jobs.get(jobId)!;
    if (job.limitFlags & JOB_OBJECT_LIMIT_BREAKAWAY_OK) jobId = 0;
    else return failCreate(pm, image, ERROR_ACCESS_DENIED);
  } else if (jobId && (pm.jobs.get(jobId)!.limitFlags & JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK)) jobId = 0;
  if (jobId) {
    const exceeded = jobChainLimit(pm, jobId);
    if (exceeded) {
      t.step('job.limitExceeded')?.n(exceeded).n(0).s('ActiveProcessLimit').change('job', exceeded);
      return failCreate(pm, image, ERROR_NOT_ENOUGH_QUOTA);
    }
  }
  // Only console programs get a console: a new one unless they can share the creator's.
  const console: ConsoleMode = pe.subsystem !== IMAGE_SUBSYSTEM_WINDOWS_CUI ? 'none'
    : requestedConsole === 'detached' ? 'detached' : requestedConsole === 'new' || !parentState || parentState.console === 'none' || parentState.console === 'detached' ? 'new' : 'inherited';
  // The image section object (MmCreateSection with SEC_IMAGE), made in the creator's context; 3D maps it.
  // Windows Internals 7e ch. 3, stage 2 ("NtCreateUserProcess ... creates a section object").
  const section = imageSection(pm, parent ?? pm.ctx.processes.find((x) => x && !x.exited) ?? NO_CREATOR, file);
  t.step('create.imageSection')?.s(image).n(file.fileId).n(pe.sizeOfImage).n(pe.numberOfSections).b(true).change('file', file.fileId).change('object', section.controlArea.id);
  return { commandLine, file, pe, protection, signatureLevel, jobId, console, section, wow64 };
}

/** Resolves an image path the way CreateProcess searches; returns the canonical path or a Win32 error. */
function resolveImagePath(pm: ProcessManager, imagePath: string, parent: ProcessObject | undefined): string | number {
  const fs = pm.ctx.fs;
  const raw = imagePath.trim();
  if (/^[A-Za-z]:|^\\\\|^\\\?\?\\/.test(raw)) {
    let p = raw;
    // A directory cannot be opened for execution: NtOpenFile fails with STATUS_FILE_IS_A_DIRECTORY, which
    // RtlNtStatusToDosError turns into ERROR_ACCESS_DENIED (Microsoft Learn, "NTSTATUS values" and RtlNtStatusToDosError).
    if (fs.isDirectory(p)) return ERROR_ACCESS_DENIED;
    if (!fs.getFile(p) && !/\.[^\\/.]+$/.test(p) && fs.getFile(p + '.exe')) p += '.exe';
    if (fs.getFile(p)) return fs.canonicalPath(p)!;
    return fs.openError(p);
  }
  // A bare name, in the order Microsoft Learn gives (CreateProcess, lpCommandLine): the directory the creator's
  // application loaded from, the creator's current directory, the 32-bit system directory (System32), the 16-bit
  // system directory (System), the Windows directory, then the directories of PATH. The lab's model: every process
  // has the same fixed environment (LAB_ENVIRONMENT_PATH), so PATH is read from that, not from the creator's own
  // block; App Paths registrations and the safe-search settings are not modelled.
  const name = /\.[^\\/.]+$/.test(raw) ? raw : raw + '.exe';
  const dirs: string[] = [];
  if (parent?.ps) dirs.push(parent.imagePath.slice(0, parent.imagePath.lastIndexOf('\\')), pm.state(parent).currentDirectory || SYSTEM32);
  dirs.push(SYSTEM32, 'C:\\Windows\\System', 'C:\\Windows');
  for (const d of LAB_ENVIRONMENT_PATH.split(';')) if (d !== '') dirs.push(d.replace(/\\+$/, ''));
  for (const d of dirs) {
    const candidate = `${d}\\${name}`;
    if (fs.getFile(candidate)) return fs.canonicalPath(candidate)!;
  }
  return ERROR_FILE_NOT_FOUND;
}
