// What CreateProcess's stages hand each other (the options, the creator, the image and what stages 1-2
// decided; the EPROCESS from 3A on), and the failure exit that records 'create.failed'.
// Windows Internals 7e ch. 3, "Flow of CreateProcess".
import { LastError } from '../../errors';
import type { SimFile } from '../../io/fileSystem';
import type { SectionObject } from '../../mm/section';
import type { PeImage } from '../../io/pe';
import type { ProcessObject } from '../../process';
import type { TokenSpec } from '../../se/token';
import type { DebugObject } from '../debug';
import type { ProcessManager } from '../processManager';
import type { ConsoleMode, PsProcessState } from '../state';

/** createProcess options beyond DESIGN.md §3's. */
export interface PsCreateOptions {
  imagePath: string;
  commandLine?: string;
  parentPid?: number;
  creationFlags?: number;
  /** bInheritHandles. */
  inheritHandles?: boolean;
  currentDirectory?: string;
  /** A new token for a well-known account (the System.psCall form of CreateProcessAsUser); default a copy of the parent's. */
  token?: TokenSpec;
  /** CreateProcessAsUser with a token handle: the id of the (primary) token the process gets a duplicate of. */
  primaryTokenId?: number;
  /** Session of the new process (default: the parent's, or the token's). */
  sessionId?: number;
  /** Put process and thread handles into the creator's handle table (Win32 CreateProcess does). */
  returnHandles?: boolean;
  /** Internal: the IFEO debugger redirection already happened. */
  ifeoApplied?: boolean;
  packageFullName?: string;
  /**
   * Started with RtlCreateUserProcess (by the kernel's StartFirstUserProcess or by smss), not through
   * kernel32: no CreateProcessInternalW, no subsystem check, no stage-5 call to CSRSS.
   */
  native?: boolean;
  /** KPROCESS.BasePriority the process runs at (the boot processes set theirs; default: from the priority class). */
  basePriority?: number;
}

export interface CreatedProcess { pid: number; tid: number; hProcess?: number; hThread?: number }

/** Stage 1's results. */
export interface ValidatedParameters {
  o: PsCreateOptions;
  flags: number;
  parent: ProcessObject | undefined;
  parentState: PsProcessState | undefined;
  /** The image path: as given in stage 1, canonical from stage 2 on (named in 'create.failed'). */
  image: string;
  priorityClass: number;
  debugObject: DebugObject | undefined;
  debugOnlyThis: boolean;
  requestedConsole: ConsoleMode;
  currentDirectory: string;
}

/** Stage 2's results. */
export interface OpenedImage {
  commandLine: string;
  file: SimFile;
  pe: PeImage;
  protection: number;
  signatureLevel: number;
  /** The job the process joins in 3F (0 = none). */
  jobId: number;
  console: ConsoleMode;
  /** The image section object (NtCreateUserProcess creates it in stage 2, 3D maps it). */
  section: SectionObject;
  /** An i386 image: it runs under WoW64. */
  wow64: boolean;
}

/** Records 'create.failed' and throws the Win32 error (marked as recorded). */
export function failCreate(pm: ProcessManager, image: string, code: number): never {
  const t = pm.trace;
  t.step('create.failed')?.s(image).n(code).change('system');
  const e = new LastError(code) as LastError & { recorded?: boolean };
  e.recorded = true;
  throw e;
}
