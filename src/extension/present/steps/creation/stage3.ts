// Step texts: CreateProcess, stage 3: Create the Windows executive process object (3A-3F) (Windows Internals 7e, ch. 3, "Flow of CreateProcess").
import type { StepTexts } from '../text';

export const STAGE3_TEXTS: StepTexts = {
  // Stage 3A: PspAllocateProcess: the EPROCESS, its handle table and inherited handles.
  'create.allocateProcess': {
    needs: ['pid', 'eprocess', 'parentPid'],
    text: (a, l10n) => l10n.t('PspAllocateProcess creates the executive process object: the EPROCESS at {eprocess} gets process id {pid} and inherits from parent {parentPid}.', a),
  },
  'create.inheritHandles': {
    needs: ['pid', 'parentPid', 'handles'],
    text: (a, l10n) => l10n.t('bInheritHandles was TRUE: while PspAllocateProcess builds the handle table of process {pid} (ObInitProcess), the {handles} inheritable handle(s) of the creator, process {parentPid}, are copied into it, with the same handle values and access.', a),
  },
  // Stage 3B: MmCreateProcessAddressSpace: the initial address space.
  'create.addressSpace': {
    needs: ['pid', 'directoryTableBase', 'pxeSelf'],
    text: (a, l10n) => l10n.t('MmCreateProcessAddressSpace builds the initial address space of process {pid}: the PML4 page (directory table base, page {directoryTableBase}) with its self-map entry at {pxeSelf}, hyperspace and the working-set list.', a),
  },
  // Stage 3C: KeInitializeProcess: the KPROCESS.
  'create.kprocess': {
    needs: ['pid', 'basePriority', 'directoryTableBase', 'processors'],
    text: (a, l10n) => l10n.t('KeInitializeProcess initializes the KPROCESS, the kernel part of process {pid}: base priority {basePriority}, the directory table base (PML4 page {directoryTableBase}, loaded into CR3 when its threads run), an affinity over {processors} processor(s) and an empty thread list.', a),
  },
  // Stage 3D: MmInitializeProcessAddressSpace: the image and ntdll mapped.
  'create.mapImage': {
    needs: ['pid', 'imageBase', 'ntdllBase'],
    text: (a, l10n) => l10n.t('MmInitializeProcessAddressSpace concludes the address space of process {pid}: a view of the image section created in stage 2 is mapped at {imageBase} (no new section is made here), and ntdll.dll is at {ntdllBase}. Every process has ntdll.dll: its user-mode code reaches the kernel through it.', a),
  },
  // KUSER_SHARED_DATA's fields: Microsoft Learn, "KUSER_SHARED_DATA structure (ntddk.h)" (InterruptTime, SystemTime,
  // TickCount, TimeZoneBias, NtSystemRoot, NtMajorVersion...); its user address: MM_SHARED_USER_DATA_VA (0x7FFE0000) in
  // the WDK's ntddk.h. No source names the routine or stage that maps it: the text labels that as the lab's model.
  'create.sharedUserData': {
    needs: ['pid', 'address'],
    text: (a, l10n) => l10n.t('The shared user data page (KUSER_SHARED_DATA) appears in process {pid} at {address}, the same fixed address in every process: one page the kernel writes and user mode may only read (VirtualQuery reports it committed, PAGE_READONLY, MEM_PRIVATE). On Windows it holds the interrupt time, the system time, the tick count and the time zone bias, which the kernel keeps current, and fixed facts such as the system root and the version numbers, so user mode can read them without a system call. The lab\'s model: only the version, architecture, product type and system root are filled in and nothing ticks; the page is mapped while the address space is concluded, as Windows does not document which routine or stage does it.', a),
  },
  'create.mapSystemDll': {
    needs: ['pid', 'dll', 'base', 'size'],
    text: (a, l10n) => l10n.t('PspMapSystemDll maps {dll} into process {pid} at {base} ({size} bytes): the kernel maps ntdll itself while it concludes the address space (stage 3D), from the section it keeps for the whole boot, so every process has it before any of its own code runs. A WoW64 process gets the 32-bit ntdll from SysWOW64 as well.', a),
  },
  // Stage 3E: the PEB (and PEB32), the process parameters. "NtCreateUserProcess calls MmCreatePeb" (Windows Internals 7e
  // ch. 3, stage 3E "Setting up the PEB").
  'create.peb': {
    needs: ['pid', 'peb'],
    text: (a, l10n) => l10n.t('MmCreatePeb (called by NtCreateUserProcess) takes a page for the Process Environment Block of process {pid} at {peb} with MiCreatePebOrTeb, kernel work rather than a call to NtAllocateVirtualMemory, and fills it: image base, OS version, subsystem and session; the loader data, process parameters and heap pointers are set later.', a),
  },
  'create.peb32': {
    needs: ['pid', 'peb32'],
    text: (a, l10n) => l10n.t('Process {pid} runs a 32-bit (i386) image under WoW64, so MmCreatePeb also makes a 32-bit PEB at {peb32}, with 32-bit pointers (its image base below 4 GB): the 32-bit ntdll and the program use it, the 64-bit PEB stays for the 64-bit side of the process.', a),
  },
  'create.processParameters': {
    needs: ['pid', 'address', 'size'],
    // Windows Internals 7e ch. 3, stage 3D: "The user process parameters are written into the process, copied, and
    // fixed up" while PspAllocateProcess concludes the address space, before MmCreatePeb (3E). The lab writes them
    // after the PEB so the PEB's ProcessParameters can point at them: the lab's order, said in the text.
    text: (a, l10n) => l10n.t('PspSetupUserProcessAddressSpace (called by PspAllocateProcess) copies the process parameters from stage 1 (command line, current directory, environment; {size} bytes) into process {pid} at {address}; the PEB\'s ProcessParameters field points to them. The lab\'s order: the book lists this copy in stage 3D, before the PEB is created in 3E; the lab records it here, right after the PEB.', a),
  },
  // Stage 3F: PspInsertProcess: the process inserted, the creator's handle, the job.
  'create.insertProcess': {
    needs: ['pid', 'processes'],
    text: (a, l10n) => l10n.t('PspInsertProcess completes the process object: process {pid} (its client ID was assigned in stage 3A) is inserted into the active process list ({processes} processes now), joins its creator\'s job if any, and the creator can get a handle to it.', a),
  },
  'create.handle': {
    needs: ['pid', 'creatorPid', 'handle', 'access'],
    text: (a, l10n) => l10n.t('The creator, process {creatorPid}, receives handle {handle} to the new process {pid} with access mask {access}; CreateProcess returns it in PROCESS_INFORMATION.hProcess.', a),
  },
  'create.joinJob': {
    needs: ['pid', 'jobId', 'activeProcesses'],
    text: (a, l10n) => l10n.t('PspAddProcessToJob adds process {pid} to job {jobId}: a new process joins its creator\'s job unless it may break away. The job has {activeProcesses} active process(es) now.', a),
  },
};
