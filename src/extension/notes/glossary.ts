// The bilingual glossary that ties a learner's words to places in the simulation. Pure data and
// lookups: no vscode import, so recognition is unit-testable in plain Node.
//
// Each entry names one topic of Windows Internals (7th ed., Part 1, chapters 2, 3 and 5) with the
// terms a reader may write for it (English and Chinese), where the simulation shows it (a stepping
// panel at a stage or fault kind, a sidebar object, a system thread to run) and a short explanation
// in both languages. Kernel names are the real ones, so a learner can look them up.

import type { CausableFaultKind } from '../../shared/protocol';

/** A process-creation stage as the engine records it (trace.ts CreationStage). */
export type Stage = '1' | '2' | '3A' | '3B' | '3C' | '3D' | '3E' | '3F' | '4' | '5' | '6' | '7';
/** Fault kinds the page-fault panel can open at (and provoke): the panel's own list. */
export type FaultKind = CausableFaultKind;
/** System threads the engine can run on demand (System.runSystemThread). */
export type RunnableThread = 'balanceSetManager' | 'modifiedPageWriter' | 'zeroPageThread';
/**
 * Where a topic lives in the sidebar: a node of the current process (its threads, handles, address
 * space, working set, PEB, token, job) or a whole view (physical memory, sections, jobs).
 * targets.ts turns it into the lens that opens it.
 */
export type SidebarTarget =
  | 'process' | 'thread' | 'handles' | 'vad' | 'pte' | 'wsle' | 'peb' | 'token'
  | 'pfn' | 'pageList' | 'pageFile' | 'commit' | 'object' | 'jobs';
/** Which live values a hover shows. */
export type LiveKind =
  | 'eprocess' | 'kprocess' | 'peb' | 'teb' | 'ethread' | 'csrProcess' | 'w32Process'
  | 'workingSet' | 'pfnLists' | 'commit' | 'vads' | 'pte' | 'largePages' | 'system';

/** Where "Step through" goes. */
export type StepTarget =
  | { readonly panel: 'processCreation'; readonly stage?: Stage }
  | { readonly panel: 'pageFault'; readonly kind?: FaultKind }
  | { readonly panel: 'systemThread'; readonly thread: RunnableThread };

export type Category = 'api' | 'structure' | 'concept' | 'stage' | 'thread' | 'chapter';

export interface GlossaryEntry {
  /** Stable id; for API and structure names the canonical spelling itself. */
  readonly id: string;
  /** The name shown to the learner (and offered when a spelling is close but wrong). */
  readonly name: string;
  /** The name in Chinese (the Chinese edition's term or common Chinese usage), shown in a Chinese UI. */
  readonly nameZh?: string;
  readonly category: Category;
  /** Terms that name the topic, matched case-insensitively (English) or literally (Chinese). */
  readonly terms: readonly string[];
  /** Terms that name the topic only inside a section about the given stage (e.g. 注册表 in stage 2). */
  readonly contextTerms?: ReadonlyArray<{ readonly term: string; readonly stage: Stage }>;
  /**
   * Words that name the topic only when they are a whole heading (`## Threads`, `## Paging`,
   * `### 作业`): too plain to hover in running text, unambiguous as the title of a section.
   */
  readonly headingTerms?: readonly string[];
  /**
   * Words with an everyday sense besides the kernel one (token, commit, job, thread, 作业, 提交, 保留…):
   * they name the topic only where the context confirms it (recognize.ts: a heading in the topic's
   * area, a kernel term in the same sentence, a code span); in ordinary prose they get no hover.
   */
  readonly plainTerms?: readonly string[];
  /**
   * The fields of a structure, as its public symbols name them: "<field> bit", "<field> flag", "<field>
   * field" (`valid bit`, `no-execute bit`, `Dirty and Accessed bits`) and the Chinese "<名>位" (有效位,
   * 脏位) name the structure (terms.ts). `en` are other English names of the field (the CamelCase name
   * split into words is always one), `zh` its Chinese names.
   */
  readonly fields?: ReadonlyArray<{ readonly name: string; readonly en?: readonly string[]; readonly zh?: readonly string[] }>;
  /**
   * For a concept the simulation does not model: the id of the nearest thing it does. The hover
   * says so in one generic sentence (explainText) and offers that entry's stepper; a heading about
   * the concept gets no lens. When a later build models the concept, removing this field is the
   * whole change (the explanation texts describe the concept, not the simulation's gap).
   */
  readonly nearest?: string;
  readonly step?: StepTarget;
  readonly sidebar?: SidebarTarget;
  readonly live?: LiveKind;
  readonly explain: { readonly en: string; readonly zh: string };
}

const creation = (stage?: Stage): StepTarget => (stage ? { panel: 'processCreation', stage } : { panel: 'processCreation' });
const fault = (kind?: FaultKind): StepTarget => (kind ? { panel: 'pageFault', kind } : { panel: 'pageFault' });

/** The glossary. Order matters only for ties: earlier entries win. */
export const GLOSSARY: readonly GlossaryEntry[] = [
  // ---- Process creation: the flow and its stages -------------------------------------------
  {
    id: 'CreateProcessFlow', name: 'Flow of CreateProcess', nameZh: 'CreateProcess 流程', category: 'concept',
    terms: ['CreateProcess流程', 'CreateProcess 流程', 'Flow of CreateProcess', '创建进程', 'process creation', '进程创建'],
    step: creation(), sidebar: 'process', live: 'eprocess',
    explain: {
      en: 'Process creation: CreateProcess* and ShellExecute(Ex) all end in CreateProcessInternalW, which calls NtCreateUserProcess. The simulation records stages 1-7 (3A-3F) as steps.',
      zh: '创建进程（进程创建）：CreateProcess* 和 ShellExecute(Ex) 最终都进入 CreateProcessInternalW，再调用 NtCreateUserProcess。模拟把阶段 1-7（含 3A-3F）记录为步骤。',
    },
  },
  stageEntry('1', ['Stage1', 'Stage 1'], 'Convert and validate parameters and flags: priority class, debug flags, attribute list, RTL_USER_PROCESS_PARAMETERS (CreateProcessInternalW).', '转换并验证参数和标志：优先级类、调试标志、属性列表、RTL_USER_PROCESS_PARAMETERS（CreateProcessInternalW）。'),
  stageEntry('2', ['Stage2', 'Stage 2'], 'Open the image to run: resolve the path, choose what really runs (.bat -> cmd.exe), create the section object, check Image File Execution Options.', '打开要执行的映像：解析路径、决定真正运行的程序（.bat -> cmd.exe）、创建 section 对象、检查 Image File Execution Options。'),
  stageEntry('3A', ['Stage3A', 'Stage 3A'], 'Create the executive process object: PspAllocateProcess allocates and fills the EPROCESS, assigns the CID and builds the handle table with the inherited handles (ObInitProcess).', '创建执行体进程对象：PspAllocateProcess 分配并填写 EPROCESS，分配 CID，并建立含继承句柄的句柄表（ObInitProcess）。'),
  stageEntry('3B', ['Stage3B', 'Stage 3B'], 'Create the initial address space: page directory, hyperspace and working-set list (MmCreateProcessAddressSpace).', '创建初始地址空间：页目录、超空间和工作集列表（MmCreateProcessAddressSpace）。'),
  stageEntry('3C', ['Stage3C', 'Stage 3C'], 'Initialize the kernel process structure KPROCESS (KeInitializeProcess).', '初始化内核进程结构 KPROCESS（KeInitializeProcess）。'),
  stageEntry('3D', ['Stage3D', 'Stage 3D'], 'Conclude the address space: map the image section and ntdll.dll.', '完成地址空间的建立：映射映像 section 和 ntdll.dll。'),
  stageEntry('3E', ['Stage3E', 'Stage 3E'], 'Set up the PEB in user space (MmCreatePeb).', '在用户空间建立 PEB（MmCreatePeb）。'),
  stageEntry('3F', ['Stage3F', 'Stage 3F'], 'Complete the process object (PspInsertProcess): insert it into the active process list and its creator\'s job; the creator gets a handle. The CID was assigned in 3A.', '完成进程对象（PspInsertProcess）：插入活动进程链表并加入创建者的作业；创建者获得句柄。CID 已在 3A 分配。'),
  stageEntry('4', ['Stage4', 'Stage 4'], 'Create the initial thread: ETHREAD, TEB and user stack, suspended.', '创建初始线程：ETHREAD、TEB 和用户栈，处于挂起状态。'),
  stageEntry('5', ['Stage5', 'Stage 5'], 'Windows subsystem work: CSRSS is told about the new process and thread (CSR_PROCESS, CSR_THREAD).', 'Windows 子系统相关工作：通知 CSRSS 新的进程和线程（CSR_PROCESS、CSR_THREAD）。'),
  stageEntry('6', ['Stage6', 'Stage 6'], 'Start the initial thread unless CREATE_SUSPENDED was given.', '启动初始线程（除非指定了 CREATE_SUSPENDED）。'),
  stageEntry('7', ['Stage7', 'Stage 7'], 'In the new process: LdrInitializeThunk loads static imports, runs TLS callbacks, then the entry point.', '在新进程中：LdrInitializeThunk 加载静态导入、执行 TLS 回调，然后跳到入口点。'),
  {
    id: 'CreateProcessInternalW', name: 'CreateProcessInternalW', category: 'api',
    terms: ['CreateProcessInternalW', 'CreateProcessInternal'], step: creation('1'), sidebar: 'process', live: 'eprocess',
    explain: { en: 'kernel32/kernelbase routine behind every CreateProcess* call; does stage 1 and calls NtCreateUserProcess.', zh: '所有 CreateProcess* 调用背后的 kernel32/kernelbase 例程；完成阶段 1 并调用 NtCreateUserProcess。' },
  },
  {
    id: 'NtCreateUserProcess', name: 'NtCreateUserProcess', category: 'api',
    terms: ['NtCreateUserProcess'], step: creation('2'), sidebar: 'process', live: 'eprocess',
    explain: { en: 'The system service that creates the process and its initial thread in kernel mode (stages 2-4).', zh: '在内核模式中创建进程及其初始线程的系统服务（阶段 2-4）。' },
  },
  {
    id: 'CreateProcess', name: 'CreateProcess', category: 'api',
    terms: ['CreateProcess', 'CreateProcessW', 'CreateProcessA', 'CreateProcessAsUser', 'CreateProcessWithLogonW', 'CreateProcessWithTokenW'],
    step: creation('1'), sidebar: 'process', live: 'eprocess',
    explain: { en: 'Creates a process (and its initial thread) with the caller\'s token; the AsUser/WithLogon variants take another token.', zh: '以调用者的令牌创建进程（及其初始线程）；AsUser/WithLogon 变体使用其他令牌。' },
  },
  {
    id: 'ShellExecute', name: 'ShellExecute', category: 'api',
    terms: ['ShellExecute', 'ShellExecuteEx', 'ShellExecuteExW', 'ShellExecuteW'], step: creation('1'), sidebar: 'process',
    explain: { en: 'Shell API that finds the program for a file or verb and ends in CreateProcess.', zh: 'Shell API：为文件或动作找到对应程序，最终调用 CreateProcess。' },
  },
  {
    id: 'PspAllocateProcess', name: 'PspAllocateProcess', category: 'api',
    terms: ['PspAllocateProcess'], step: creation('3A'), sidebar: 'process', live: 'eprocess',
    explain: { en: 'Allocates and initializes the EPROCESS (stage 3A).', zh: '分配并初始化 EPROCESS（阶段 3A）。' },
  },
  {
    id: 'MmCreateProcessAddressSpace', name: 'MmCreateProcessAddressSpace', category: 'api',
    terms: ['MmCreateProcessAddressSpace'], step: creation('3B'), sidebar: 'process', live: 'pte',
    explain: { en: 'Builds the new page directory (PML4 with its self-map entry), hyperspace and the working-set list (stage 3B).', zh: '建立新的页目录（含自映射项的 PML4）、超空间和工作集列表（阶段 3B）。' },
  },
  {
    id: 'KeInitializeProcess', name: 'KeInitializeProcess', category: 'api',
    terms: ['KeInitializeProcess'], step: creation('3C'), sidebar: 'process', live: 'kprocess',
    explain: { en: 'Initializes the KPROCESS (Pcb) inside the EPROCESS (stage 3C).', zh: '初始化 EPROCESS 中的 KPROCESS（Pcb）（阶段 3C）。' },
  },
  {
    id: 'MmCreatePeb', name: 'MmCreatePeb', category: 'api',
    terms: ['MmCreatePeb'], step: creation('3E'), sidebar: 'peb', live: 'peb',
    explain: { en: 'Called by NtCreateUserProcess in stage 3E: takes a page for the PEB in the new process\'s user space (MiCreatePebOrTeb) and fills it.', zh: '在阶段 3E 由 NtCreateUserProcess 调用：在新进程的用户空间为 PEB 取得一页（MiCreatePebOrTeb）并填写它。' },
  },
  {
    id: 'PspInsertProcess', name: 'PspInsertProcess', category: 'api',
    terms: ['PspInsertProcess'], step: creation('3F'), sidebar: 'process', live: 'eprocess',
    explain: { en: 'Inserts the new process into the active process list and the handle table (stage 3F).', zh: '把新进程插入活动进程链表和句柄表（阶段 3F）。' },
  },
  {
    id: 'PsSetCreateProcessNotifyRoutine', name: 'PsSetCreateProcessNotifyRoutine', category: 'api',
    terms: ['PsSetCreateProcessNotifyRoutine', 'PsSetCreateProcessNotifyRoutineEx', 'PsSetCreateProcessNotifyRoutineEx2'], step: creation('4'), sidebar: 'process',
    explain: { en: 'Registers a driver callback called when a process is created or exits (during creation, before the initial thread runs).', zh: '注册驱动回调：进程创建或退出时调用（在创建过程中、初始线程运行之前）。' },
  },
  {
    id: 'PsSetCreateThreadNotifyRoutine', name: 'PsSetCreateThreadNotifyRoutine', category: 'api',
    terms: ['PsSetCreateThreadNotifyRoutine', 'PsSetCreateThreadNotifyRoutineEx'], step: creation('4'), sidebar: 'thread',
    explain: { en: 'Registers a driver callback called when a thread is created or deleted.', zh: '注册驱动回调：线程创建或删除时调用。' },
  },
  {
    id: 'ImageFileExecutionOptions', name: 'Image File Execution Options', nameZh: '映像文件执行选项（映像劫持）', category: 'concept',
    terms: ['Image File Execution Options', 'IFEO', '映像劫持'],
    contextTerms: [{ term: '注册表', stage: '2' }],
    step: creation('2'), sidebar: 'process',
    explain: {
      en: 'Stage 2 looks up HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options\\<image name>. A Debugger value there makes CreateProcess launch the debugger with the image as its argument.',
      zh: '阶段 2 会查询 HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options\\<映像名>。若其中有 Debugger 值，CreateProcess 会改为启动该调试器，并把映像作为参数。',
    },
  },
  {
    id: 'RTL_USER_PROCESS_PARAMETERS', name: 'RTL_USER_PROCESS_PARAMETERS', category: 'structure',
    terms: ['RTL_USER_PROCESS_PARAMETERS'], step: creation('1'), sidebar: 'peb', live: 'peb',
    explain: { en: 'Command line, image path, environment and window settings; built in stage 1 and pointed to by PEB.ProcessParameters.', zh: '命令行、映像路径、环境变量和窗口设置；在阶段 1 构建，由 PEB.ProcessParameters 指向。' },
  },
  {
    id: 'STARTUPINFO', name: 'STARTUPINFO', category: 'structure',
    terms: ['STARTUPINFO', 'STARTUPINFOW', 'STARTUPINFOEX'], step: creation('1'),
    explain: { en: 'Window and standard-handle settings passed to CreateProcess; copied into RTL_USER_PROCESS_PARAMETERS.', zh: '传给 CreateProcess 的窗口和标准句柄设置；复制到 RTL_USER_PROCESS_PARAMETERS 中。' },
  },
  {
    id: 'DbgUiConnectToDbg', name: 'DbgUiConnectToDbg', category: 'api',
    terms: ['DbgUiConnectToDbg'], step: creation('1'),
    explain: { en: 'ntdll routine that creates the debug object for a process created with DEBUG_PROCESS; its handle is kept in the TEB.', zh: 'ntdll 例程：为以 DEBUG_PROCESS 创建的进程建立调试对象，其句柄保存在 TEB 中。' },
  },
  {
    id: 'DebugObject', name: 'Debug object', nameZh: '调试对象', category: 'concept',
    terms: ['DebugObject', 'DEBUG_OBJECT', 'DebugPort', 'debug object', 'debug event', 'DebugActiveProcess', 'WaitForDebugEvent', 'ContinueDebugEvent', '调试对象', '调试端口', '调试事件'],
    step: creation('7'), sidebar: 'process',
    explain: {
      en: 'A debugger owns a debug object that collects the debug events of its debuggees, whose EPROCESS.DebugPort points to it. The kernel queues debug events there (process and thread creation, each DLL load, exceptions, exits) and the debuggee waits until WaitForDebugEvent has returned each event and ContinueDebugEvent has answered it. Use "Debugger: Go" to step through them.',
      zh: '调试器拥有一个调试对象，收集被调试进程的调试事件，它们的调试端口（EPROCESS.DebugPort）指向它。内核把调试事件（进程和线程创建、每个 DLL 加载、异常、退出）排入其中，被调试进程一直等待，直到 WaitForDebugEvent 取走事件、ContinueDebugEvent 作出答复。用"调试器：继续"逐个查看。',
    },
  },
  {
    id: 'AccessToken', name: 'Access token', nameZh: '访问令牌', category: 'structure',
    terms: ['access token', 'TOKEN', '_TOKEN', 'OpenProcessToken', 'DuplicateTokenEx', 'primary token', '访问令牌', '主令牌', 'security context', '安全上下文', 'AdjustTokenPrivileges'],
    plainTerms: ['token', 'tokens', 'privilege', 'privileges', '令牌', '特权'],
    headingTerms: ['token', 'tokens', 'access tokens', 'privileges', '令牌', '访问令牌', '特权'],
    step: creation('3A'), sidebar: 'token',
    explain: {
      en: 'A TOKEN (a process\'s primary token, its security context) holds the user, groups, privileges and integrity level a process runs with. CreateProcess gives the child a copy of the creator\'s token (SeSubProcessToken); CreateProcessAsUser takes another primary token, which the caller may assign only if it holds SeAssignPrimaryTokenPrivilege or the token is a sibling or child of its own.',
      zh: 'TOKEN（进程的主令牌，即其安全上下文）保存进程运行时的用户、组、特权和完整性级别。CreateProcess 让子进程得到创建者令牌的副本（SeSubProcessToken）；CreateProcessAsUser 使用另一个主令牌，调用者只有持有 SeAssignPrimaryTokenPrivilege，或该令牌是其自身令牌的兄弟或子令牌时，才能指派它。',
    },
  },
  {
    id: 'IntegrityLevel', name: 'Integrity levels', nameZh: '完整性级别', category: 'concept',
    terms: ['integrity level', 'mandatory label', 'Low integrity', 'Mandatory Integrity Control', '完整性级别', '强制标签', '低完整性', '强制完整性控制'],
    step: creation('3A'), sidebar: 'token',
    explain: {
      en: 'Mandatory Integrity Control compares integrity levels, the token\'s mandatory label (S-1-16-x: Low 4096, Medium 8192, High 12288, System 16384). A process may lower the label of a token freely; raising it needs SeTcbPrivilege. Lower integrity cannot write to higher-integrity objects. "Run Program at Low Integrity" does the documented recipe.',
      zh: '强制完整性控制比较完整性级别，即令牌的强制标签（S-1-16-x：低完整性 Low 4096、Medium 8192、High 12288、System 16384）。进程可以随意降低令牌的标签；提高则需要 SeTcbPrivilege。低完整性不能写入更高完整性的对象。"以低完整性级别运行程序"执行文档中的做法。',
    },
  },
  {
    id: 'conhost', name: 'conhost.exe', nameZh: '控制台宿主（控制台主机）', category: 'concept',
    terms: ['conhost.exe', 'conhost', 'console host', 'Console Window Host', '控制台宿主', '控制台主机'],
    step: creation('7'), sidebar: 'process',
    explain: {
      en: 'Since Windows 8 a console is served by conhost.exe, started as a child of the console program while KernelBase initializes (stage 7), and reached through the console driver rather than CSRSS. Children that inherit the console share it; the host exits with its last client.',
      zh: '自 Windows 8 起，控制台由 conhost.exe 提供服务：它在 KernelBase 初始化时（阶段 7）作为控制台程序的子进程启动，通过控制台驱动而不是 CSRSS 访问。继承控制台的子进程共享它；最后一个客户端退出时宿主也退出。',
    },
  },
  {
    id: 'LdrInitializeThunk', name: 'LdrInitializeThunk', category: 'api',
    terms: ['LdrInitializeThunk', 'image loader', '映像加载器'], plainTerms: ['加载器'], step: creation('7'), sidebar: 'process', live: 'peb',
    explain: { en: 'First user-mode code of every thread, where the image loader (Ldr* in ntdll) starts: for the first thread it runs the loader (imports, TLS) before the entry point.', zh: '每个线程的第一段用户模式代码，映像加载器（加载器，ntdll 中的 Ldr* 函数）从这里开始：对第一个线程，它先运行加载器（导入、TLS），再到入口点。' },
  },
  // ---- Process structures -----------------------------------------------------------------
  // Field names as `dt nt!_EPROCESS` shows them are recognized too: learners copy them from the
  // debugger (Windows Internals 7e ch. 3, "Data structures" and its EXPERIMENT on the EPROCESS format).
  {
    id: 'EPROCESS', name: 'EPROCESS', nameZh: 'EPROCESS结构体（执行体进程）', category: 'structure',
    headingTerms: ['process', 'processes', 'process internals', 'process structures', '进程', '进程结构'],
    terms: ['EPROCESS', '_EPROCESS', 'EPROCESS结构体', '执行体进程', 'Process Internals', '进程内部结构', 'executive process', 'ActiveProcessLinks', 'UniqueProcessId', 'InheritedFromUniqueProcessId', 'ImageFileName', 'active process list', '活动进程链表', '进程链表'], step: creation('3A'), sidebar: 'process', live: 'eprocess',
    explain: { en: 'The executive process object in system space, the main one of the process structures (process internals): it begins with the KPROCESS (Pcb), and its ActiveProcessLinks chain every process on the active process list.', zh: '位于系统空间的执行体进程对象，是最主要的进程结构（进程内部结构）：开头是 KPROCESS（Pcb），它的 ActiveProcessLinks 把所有进程串在活动进程链表（进程链表）上。' },
  },
  {
    id: 'KPROCESS', name: 'KPROCESS', nameZh: 'KPROCESS（内核进程结构）', category: 'structure',
    terms: ['KPROCESS', '_KPROCESS', 'Pcb', 'DirectoryTableBase'], step: creation('3C'), sidebar: 'process', live: 'kprocess',
    explain: { en: 'The kernel\'s part of a process (EPROCESS.Pcb): DirectoryTableBase, thread list, scheduling data.', zh: '进程的内核部分（EPROCESS.Pcb）：DirectoryTableBase、线程链表、调度数据。' },
  },
  {
    id: 'PEB', name: 'PEB', nameZh: '进程环境块', category: 'structure',
    terms: ['PEB', '_PEB', 'Process Environment Block', '进程环境块'], step: creation('3E'), sidebar: 'peb', live: 'peb',
    explain: { en: 'Process Environment Block, in user space so the loader and heap manager can read it without system calls.', zh: '进程环境块，位于用户空间，加载器和堆管理器无需系统调用即可读取。' },
  },
  {
    id: 'TEB', name: 'TEB', nameZh: '线程环境块', category: 'structure',
    terms: ['TEB', '_TEB', 'Thread Environment Block', '线程环境块'], step: creation('4'), sidebar: 'thread', live: 'teb',
    explain: { en: 'Thread Environment Block in user space (stack limits, last error, TLS slots).', zh: '位于用户空间的线程环境块（栈范围、最后错误码、TLS 槽）。' },
  },
  {
    id: 'ETHREAD', name: 'ETHREAD', nameZh: 'ETHREAD（执行体线程）', category: 'structure',
    terms: ['ETHREAD', '_ETHREAD', 'KTHREAD', '_KTHREAD', 'Tcb', 'executive thread', '执行体线程'], step: creation('4'), sidebar: 'thread', live: 'ethread',
    explain: { en: 'The executive thread object, which begins with the KTHREAD (Tcb).', zh: '执行体线程对象，开头是 KTHREAD（Tcb）。' },
  },
  {
    id: 'CSR_PROCESS', name: 'CSR_PROCESS', category: 'structure',
    terms: ['CSR_PROCESS', 'CSR_THREAD', 'Csrss', 'csrss.exe', 'Windows subsystem process'], step: creation('5'), sidebar: 'process', live: 'csrProcess',
    explain: { en: 'The Windows subsystem process (csrss.exe) keeps its own CSR_PROCESS per process; stage 5 creates it.', zh: 'Windows 子系统进程（csrss.exe）为每个进程保存一个 CSR_PROCESS；在阶段 5 创建。' },
  },
  {
    id: 'W32PROCESS', name: 'W32PROCESS', category: 'structure',
    terms: ['W32PROCESS', 'W32THREAD'], step: creation('7'), sidebar: 'process', live: 'w32Process',
    explain: { en: 'win32k.sys keeps a W32PROCESS for each process that calls into it; the first call (PsConvertToGuiThread) creates it, whatever the image\'s subsystem: a console program that uses USER32 has one too.', zh: 'win32k.sys 为每个调用它的进程保存 W32PROCESS；第一次调用（PsConvertToGuiThread）时创建，与映像的子系统无关：使用 USER32 的控制台程序同样会有。' },
  },
  {
    id: 'win32k.sys', name: 'win32k.sys', category: 'concept',
    terms: ['win32k.sys', 'win32k'], step: creation('5'), sidebar: 'process', live: 'w32Process',
    explain: { en: 'The kernel-mode part of the Windows subsystem (window manager and GDI).', zh: 'Windows 子系统的内核模式部分（窗口管理器和 GDI）。' },
  },
  {
    id: 'smss', name: 'smss.exe', nameZh: '会话管理器', category: 'concept',
    terms: ['smss', 'smss.exe', 'Session Manager', '会话管理器'], sidebar: 'process', live: 'system',
    explain: { en: 'The Session Manager, the first user-mode process, started by the kernel with RtlCreateUserProcess. It creates \\KnownDlls, then starts one copy of itself per session; each copy starts that session\'s csrss and wininit (session 0) or winlogon (session 1) with RtlCreateUserProcess and exits.', zh: '会话管理器，第一个用户模式进程，由内核用 RtlCreateUserProcess 启动。它创建 \\KnownDlls，然后为每个会话启动一个自身的副本；每个副本用 RtlCreateUserProcess 启动该会话的 csrss 和 wininit（会话 0）或 winlogon（会话 1），然后退出。' },
  },
  {
    id: 'ProtectedProcess', name: 'Protected processes', nameZh: '受保护的进程', category: 'concept',
    terms: ['受保护的进程', 'protected process', 'Protected Process Light', 'PPL'], step: creation('2'), sidebar: 'process',
    explain: { en: 'Protected processes (and Protected Process Light, PPL), whose image must carry a special signature; stage 2 checks it. Other processes get only limited access rights to them.', zh: '映像必须带有特殊签名的进程；阶段 2 检查签名。其他进程对它只有受限的访问权限。' },
  },
  // ---- Chapters ----------------------------------------------------------------------------
  {
    id: 'ch2', name: 'Chapter 2 System architecture', nameZh: '第 2 章 系统架构', category: 'chapter',
    // "Architecture overview" is the chapter's first section (Windows Internals 7e ch. 2); notes title it "Architecture".
    terms: ['System architecture', '系统架构'], headingTerms: ['architecture', 'architecture overview', '架构', '体系结构'], sidebar: 'process', live: 'system',
    explain: { en: 'Chapter 2, System architecture, from its architecture overview: the kernel, executive, subsystems and the processes a booted system runs.', zh: '第 2 章 系统架构（体系结构）：内核、执行体、子系统以及启动后系统运行的进程。' },
  },
  // The 5th and 6th editions called the chapter "Processes, Threads, and Jobs" (chapter 5 there).
  {
    id: 'ch3', name: 'Chapter 3 Processes and jobs', nameZh: '第 3 章 进程和作业', category: 'chapter',
    terms: ['Processes and jobs', '进程和作业', 'Processes, Threads, and Jobs', 'Processes, threads and jobs', '进程、线程和作业'], step: creation(), sidebar: 'process', live: 'eprocess',
    explain: { en: 'Chapter 3 (Processes, Threads, and Jobs in the 5th and 6th editions): process structures, the flow of CreateProcess, jobs.', zh: '第 3 章（第 5、6 版为“进程、线程和作业”）：进程结构、CreateProcess 流程、作业。' },
  },
  {
    id: 'ch5', name: 'Chapter 5 Memory management', nameZh: '第 5 章 内存管理', category: 'chapter',
    // The chapter is about the memory manager (Windows Internals 7e ch. 5, "Introduction to the memory manager").
    terms: ['Memory management', '内存管理', 'memory manager', '内存管理器'], step: fault(), sidebar: 'pageList', live: 'pfnLists',
    explain: { en: 'Chapter 5, the memory manager: virtual address spaces, page faults, working sets, the PFN database, sections.', zh: '第 5 章，内存管理器：虚拟地址空间、缺页、工作集、PFN 数据库、section。' },
  },
  // ---- Memory manager ----------------------------------------------------------------------
  {
    id: 'WorkingSet', name: 'Working set', nameZh: '工作集', category: 'concept',
    terms: ['working set', '工作集', 'WSLE', 'working-set list', 'SetProcessWorkingSetSize', '工作集管理器', 'working set manager'], sidebar: 'wsle', live: 'workingSet',
    explain: { en: 'The pages of a process currently resident (valid PTEs), listed as WSLEs and trimmed oldest first by the working set manager.', zh: '进程当前驻留的页面（有效的 PTE），以 WSLE 列出，工作集管理器修剪时先删最旧的。' },
  },
  {
    id: 'PageFault', name: 'Page fault', nameZh: '缺页', category: 'concept',
    terms: ['page fault', 'page faults', '缺页', '页面错误', '缺页异常', 'MmAccessFault'], step: fault(), sidebar: 'pte', live: 'pte',
    explain: { en: 'MmAccessFault decodes the PTE and resolves the fault: demand zero, transition, paging file, prototype, copy-on-write, or raises an exception.', zh: 'MmAccessFault 解码 PTE 并解决缺页（页面错误、缺页异常）：请求零页、转换、页面文件、原型 PTE、写时复制，或抛出异常。' },
  },
  {
    id: 'DemandZero', name: 'Demand-zero fault', nameZh: '请求零页', category: 'concept',
    terms: ['demand zero', 'demand-zero', '请求零页', 'MiResolveDemandZeroFault'], step: fault('demandZero'), sidebar: 'pte', live: 'pte',
    explain: { en: 'First touch of committed private memory: a zeroed page is taken from the Zeroed (or Free, then zeroed) list.', zh: '首次访问已提交的私有内存：从零页链表取一页（或从空闲链表取页再清零）。' },
  },
  {
    id: 'TransitionFault', name: 'Transition fault', nameZh: '转换页缺页', category: 'concept',
    terms: ['transition fault', '转换页', '转换错误', 'MiResolveTransitionFault', 'soft fault', '软缺页'],
    // The PTE state named alone ("the page is in transition"); everyday "transition to kernel mode" where the context does not confirm it.
    plainTerms: ['transition'], step: fault('transition'), sidebar: 'pte', live: 'pte',
    explain: { en: 'The page is still in memory on the standby or modified list: a soft fault puts it back in the working set.', zh: '页面仍在内存中（备用或已修改链表上的转换页）：软缺页（转换错误）把它放回工作集。' },
  },
  {
    id: 'PageFileFault', name: 'Paging-file fault', nameZh: '页面文件缺页（硬缺页）', category: 'concept',
    // "In-paging I/O" (Windows Internals 7e ch. 5) is the read of a hard fault and its cluster.
    headingTerms: ['paging', 'paging out', '换页', '分页', 'in-paging i/o', 'in-paging', 'paging i/o', 'clustered page faults'], terms: ['hard fault', '硬缺页', 'paging file', 'pagefile', 'pagefile.sys', '页面文件', 'MiResolvePageFileFault', '换页'], step: fault('pageFile'), sidebar: 'pageFile', live: 'pfnLists',
    explain: { en: 'The PTE points into the paging file (the page was paged out): a hard fault reads the page (and its cluster) back, the in-paging I/O.', zh: 'PTE 指向页面文件（页面已被换出，即换页、分页）：硬缺页把该页（及其簇）读回内存。' },
  },
  {
    id: 'CopyOnWrite', name: 'Copy-on-write', nameZh: '写时复制', category: 'concept',
    terms: ['copy-on-write', 'copy on write', '写时复制', 'MiCopyOnWrite', 'PAGE_WRITECOPY', 'FILE_MAP_COPY'], step: fault('copyOnWrite'), sidebar: 'pte', live: 'pte',
    explain: { en: 'A write to a shared copy-on-write page gives the process its own private copy.', zh: '对共享的写时复制页面写入时，进程得到自己的私有副本。' },
  },
  {
    id: 'GuardPage', name: 'Guard page', nameZh: '保护页', category: 'concept',
    terms: ['guard page', 'PAGE_GUARD', '保护页', 'STATUS_GUARD_PAGE_VIOLATION'], step: fault('guardPage'), sidebar: 'pte', live: 'pte',
    // Microsoft Learn, "Creating Guard Pages" and "Thread Stack Size"; Windows Internals 7e ch. 5 (user stacks).
    explain: { en: 'The first touch clears the guard. Outside a thread\'s stack it raises STATUS_GUARD_PAGE_VIOLATION once; a stack\'s own guard page instead lets the stack grow (MiCheckForUserStackOverflow), until the reserve is used up (STATUS_STACK_OVERFLOW).', zh: '第一次访问会清除保护属性。在线程栈之外，它引发一次 STATUS_GUARD_PAGE_VIOLATION；栈自己的保护页则让栈增长（MiCheckForUserStackOverflow），直到保留空间用完（STATUS_STACK_OVERFLOW）。' },
  },
  {
    id: 'AccessViolation', name: 'Access violation', nameZh: '访问违例', category: 'concept',
    terms: ['access violation', '访问违例', 'STATUS_ACCESS_VIOLATION'], step: fault('accessViolation'), sidebar: 'pte', live: 'pte',
    explain: { en: 'A fault the memory manager cannot resolve (free, reserved or protected memory) becomes STATUS_ACCESS_VIOLATION.', zh: '内存管理器无法解决的缺页（空闲、仅保留或受保护的内存）变为 STATUS_ACCESS_VIOLATION。' },
  },
  {
    id: 'PrototypePTE', name: 'Prototype PTE', nameZh: '原型 PTE', category: 'concept',
    terms: ['prototype PTE', 'prototype PTEs', '原型PTE', '原型 PTE', 'MiResolveProtoPteFault'], step: fault('prototype'), sidebar: 'object', live: 'pte',
    explain: { en: 'Shared (section) pages are described once, by prototype PTEs in the segment; process PTEs point to them.', zh: '共享（section）页面由段中的原型 PTE 统一描述；进程的 PTE 指向它们。' },
  },
  {
    id: 'PTE', name: 'PTE', nameZh: '页表项', category: 'structure',
    terms: ['PTE', 'PTEs', 'page table entry', '页表项', '_MMPTE', 'MMPTE', 'PDE', 'PPE', 'PXE'], step: fault(), sidebar: 'pte', live: 'pte',
    // Public symbols of _MMPTE_HARDWARE, _MMPTE_SOFTWARE, _MMPTE_TRANSITION and _MMPTE_PROTOTYPE (Windows 10
    // x64; Vergilius Project, "Windows 10 2004 20H1 (x64)"), the fields engine/mm/pte.ts decodePte shows;
    // the hardware names of the same bits from the Intel SDM vol. 3A §4.5 ("present", "R/W", "U/S",
    // "XD") and AMD's "NX"; Chinese names as Chinese notes write them (有效位, 脏位, 访问位…).
    fields: [
      { name: 'Valid', en: ['present'], zh: ['有效', '存在'] }, { name: 'Dirty', zh: ['脏', '修改'] }, { name: 'Dirty1' },
      { name: 'Accessed', zh: ['访问', '已访问'] }, { name: 'Owner', en: ['user/supervisor', 'U/S'], zh: ['所有者', '用户/超级用户'] },
      { name: 'Write', en: ['read/write', 'R/W', 'writable'], zh: ['写', '可写', '读写'] }, { name: 'WriteThrough', zh: ['直写'] },
      { name: 'CacheDisable', en: ['cache disable'], zh: ['禁用缓存'] }, { name: 'LargePage', zh: ['大页'] }, { name: 'Global', zh: ['全局'] },
      { name: 'CopyOnWrite', zh: ['写时复制'] }, { name: 'NoExecute', en: ['NX', 'XD', 'execute-disable', 'no execute'], zh: ['不可执行', '禁止执行'] },
      { name: 'PageFrameNumber', zh: ['页帧号'] }, { name: 'Prototype', zh: ['原型'] }, { name: 'Transition', zh: ['转换', '过渡'] },
      { name: 'Protection', zh: ['保护'] }, { name: 'PageFileLow' }, { name: 'PageFileHigh' }, { name: 'ProtoAddress' },
    ],
    explain: { en: 'Page table entry: valid (hardware) or one of the software states (demand zero, transition, paging file, prototype).', zh: '页表项：有效（硬件）或软件状态之一（请求零页、转换、页面文件、原型）。' },
  },
  {
    id: 'PageTable', name: 'Page tables', nameZh: '页表', category: 'concept',
    terms: ['page table', 'page tables', '页表', 'PML4', 'address translation', '地址转换', '地址翻译', 'page table walk', 'page walk', '页表遍历'], step: fault(), sidebar: 'pte', live: 'pte',
    explain: { en: 'x64 four-level address translation, a page table walk: PML4 (PXE) -> PDPT (PPE) -> PD (PDE) -> PT (PTE), 9 bits each, 12-bit offset.', zh: 'x64 四级地址转换（地址翻译，页表遍历）：PML4（PXE）-> PDPT（PPE）-> PD（PDE）-> PT（PTE），每级 9 位，页内偏移 12 位。' },
  },
  {
    id: 'PFN', name: 'PFN database', nameZh: 'PFN数据库（页帧数据库）', category: 'structure',
    terms: ['PFN', 'PFN database', 'MMPFN', '_MMPFN', 'PFN数据库', '页帧数据库', '页框数据库', '页帧号', '页帧', '页框', 'page frame', 'page frame number', 'physical page', 'physical pages', '物理页', '物理内存', 'physical memory'], sidebar: 'pfn', live: 'pfnLists',
    explain: { en: 'One MMPFN per physical page (page frame, indexed by its page frame number) describes all of physical memory: its state and list (Zeroed, Free, Standby, Modified, Active...), share and reference counts.', zh: '每个物理页（页帧、页框，以页帧号编号）一个 MMPFN，组成页框数据库，描述整个物理内存：状态和所在链表（零页、空闲、备用、已修改、活动……）、共享计数和引用计数。' },
  },
  {
    id: 'PageLists', name: 'Page lists', nameZh: '页面链表', category: 'concept',
    terms: ['standby list', 'modified list', 'free list', 'zeroed list', '备用链表', '已修改链表', '空闲链表', '零页链表', 'page lists', '页面链表', '修改链表', '修改页链表', '已修改页链表', '备用页链表', '空闲页链表',
      // Windows Internals 7e ch. 5, "Page list dynamics": the zero page list, free page list, standby and modified page lists.
      'zero page list', 'zero list', 'free page list', 'standby page list', 'modified page list'],
    // The list (and page state) named alone: "the page goes to standby" (everyday: a power state), where the context confirms it.
    plainTerms: ['standby'], sidebar: 'pageList', live: 'pfnLists',
    explain: { en: 'Physical pages not in use sit on the Zeroed, Free, Standby (priorities 0-7) and Modified lists.', zh: '未使用的物理页位于零页链表、空闲链表（空闲页链表）、备用链表（备用页链表，优先级 0-7）和已修改链表（修改页链表、已修改页链表）上。' },
  },
  {
    id: 'LargePages', name: 'Large pages', nameZh: '大页', category: 'concept',
    terms: ['large page', 'large pages', '大页', 'huge page', 'MEM_LARGE_PAGES', 'GetLargePageMinimum', 'SeLockMemoryPrivilege', '锁定内存页'], sidebar: 'vad', live: 'largePages',
    explain: { en: '2 MB (large) and 1 GB (huge) pages: nonpageable, need SeLockMemoryPrivilege; an allocation uses 1 GB pages first, then 2 MB pages for the rest.', zh: '2 MB（大页）和 1 GB（巨页）：不可换页，需要 SeLockMemoryPrivilege（“锁定内存页”权限）；分配时先用 1 GB 页，剩余部分用 2 MB 页。' },
  },
  {
    id: 'SmallPages', name: 'Small pages', nameZh: '小页', category: 'concept',
    terms: ['small page', 'small pages', '小页'], step: fault('demandZero'), sidebar: 'pte', live: 'pte',
    explain: { en: '4 KB pages, the unit of protection and paging; allocation granularity is 64 KB.', zh: '4 KB 页面，是保护和换页的单位；分配粒度为 64 KB。' },
  },
  {
    id: 'Commit', name: 'Commit charge', nameZh: '提交费用', category: 'concept',
    terms: ['commit charge', 'commit limit', '提交费用', '提交限制', 'MEM_COMMIT', 'committed memory', 'ERROR_COMMITMENT_LIMIT'],
    plainTerms: ['commit', 'committing', '提交'], headingTerms: ['commit', '提交'], sidebar: 'commit', live: 'commit',
    explain: { en: 'Committed private memory is charged against the commit limit (RAM + paging files); past it, allocation fails with ERROR_COMMITMENT_LIMIT.', zh: '已提交的私有内存计入提交费用，上限为提交限制（内存 + 页面文件）；超过时分配失败，错误为 ERROR_COMMITMENT_LIMIT。' },
  },
  {
    id: 'VAD', name: 'VAD', nameZh: '虚拟地址描述符', category: 'structure',
    terms: ['VAD', 'VADs', '_MMVAD', 'virtual address descriptor', '虚拟地址描述符', 'VadRoot', 'VAD tree', 'VAD树'], sidebar: 'vad', live: 'vads',
    explain: { en: 'Virtual address descriptors: a tree per process of the reserved ranges with their protection and type.', zh: '虚拟地址描述符：每个进程一棵 VAD 树，记录已保留的范围及其保护属性和类型。' },
  },
  {
    id: 'VirtualAlloc', name: 'VirtualAlloc', category: 'api',
    terms: ['VirtualAlloc', 'VirtualAllocEx', 'NtAllocateVirtualMemory', 'Virtual API', 'MEM_RESERVE', 'allocation granularity', '分配粒度'],
    plainTerms: ['保留'], headingTerms: ['保留'], step: fault('demandZero'), sidebar: 'vad', live: 'vads',
    explain: { en: 'The Virtual API: reserves and/or commits pages (64 KB allocation granularity); pages become resident only when touched.', zh: '保留和/或提交页面（分配粒度 64 KB）；页面在被访问时才驻留。' },
  },
  {
    id: 'VirtualFree', name: 'VirtualFree', category: 'api',
    terms: ['VirtualFree', 'VirtualFreeEx', 'NtFreeVirtualMemory', 'MEM_DECOMMIT', 'MEM_RELEASE', '解除提交', 'decommit'], sidebar: 'vad', live: 'vads',
    explain: { en: 'Decommits pages (MEM_DECOMMIT) or releases a whole reservation (MEM_RELEASE, size 0).', zh: '解除提交页面（MEM_DECOMMIT）或释放整个保留区（MEM_RELEASE，大小为 0）。' },
  },
  {
    id: 'VirtualProtect', name: 'VirtualProtect', category: 'api',
    // Windows Internals 7e ch. 5, "Protecting memory"; Microsoft Learn "Memory Protection Constants".
    headingTerms: ['protection', 'page protection', 'memory protection', '保护属性', '内存保护', '页面保护'], terms: ['VirtualProtect', 'VirtualProtectEx', 'NtProtectVirtualMemory', 'memory protection', 'page protection', '内存保护', '页面保护'], step: fault('accessViolation'), sidebar: 'vad', live: 'vads',
    explain: { en: 'Changes the memory protection of committed pages and returns the old one.', zh: '修改已提交页面的保护属性（页面保护、内存保护）并返回旧的属性。' },
  },
  {
    id: 'VirtualLock', name: 'VirtualLock', category: 'api',
    // Windows Internals 7e ch. 5, "Locking memory".
    terms: ['VirtualLock', 'VirtualUnlock'], headingTerms: ['locking memory', 'memory locking', 'locked pages', 'locking pages', '锁定内存', '内存锁定'], sidebar: 'wsle', live: 'workingSet',
    explain: { en: 'Locks pages into the working set (locking memory, memory locking) so trimming does not take them away.', zh: '把页面锁定在工作集中（锁定内存、内存锁定），修剪时不会被移出。' },
  },
  {
    id: 'VirtualQuery', name: 'VirtualQuery', category: 'api',
    terms: ['VirtualQuery', 'VirtualQueryEx', 'MEMORY_BASIC_INFORMATION'], sidebar: 'vad', live: 'vads',
    explain: { en: 'Returns MEMORY_BASIC_INFORMATION for the region containing an address.', zh: '返回包含某地址的区域的 MEMORY_BASIC_INFORMATION。' },
  },
  {
    id: 'HeapAlloc', name: 'HeapAlloc', category: 'api',
    terms: ['HeapAlloc', 'HeapFree', 'HeapCreate', 'HeapReAlloc', 'Heap API', 'heap manager', '堆管理器', 'malloc'], sidebar: 'vad', live: 'vads',
    explain: { en: 'The heap manager in ntdll (behind the Heap API\'s HeapAlloc and the C runtime\'s malloc) carves small blocks out of memory it reserves and commits with NtAllocateVirtualMemory, the system service behind VirtualAlloc.', zh: 'ntdll 中的堆管理器（HeapAlloc 和 C 运行时 malloc 的底层）从它用 NtAllocateVirtualMemory（VirtualAlloc 背后的系统服务）保留和提交的内存中分出小块。' },
  },
  {
    id: 'CreateFileMapping', name: 'CreateFileMapping', nameZh: 'section 对象（节对象、区段对象）', category: 'api',
    terms: ['CreateFileMapping', 'CreateFileMappingW', 'OpenFileMapping', 'NtCreateSection', 'section object', 'section objects', 'Memory-mapped files', '内存映射文件', '共享内存', 'shared memory', 'control area', 'SEC_IMAGE', 'section对象', '节对象', '区段对象', 'mapped file', '映射文件', 'image section', '控制区'],
    // "section" is the object's own name (Windows Internals 7e ch. 5 "Section objects"), and also a part of a
    // document: only where the context confirms it, and never as "this section", "section 5.2" (terms.ts).
    plainTerms: ['section', 'sections'], step: fault('prototype'), sidebar: 'object', live: 'vads',
    explain: { en: 'Creates (or opens) a section object: pagefile-backed shared memory, a mapped file, or an executable\'s image section, described by a control area, segment and prototype PTEs.', zh: '创建（或打开）section 对象：由页面文件支持的共享内存、内存映射文件（映射文件）或可执行文件的映像 section，由控制区、段和原型 PTE 描述。' },
  },
  {
    id: 'MapViewOfFile', name: 'MapViewOfFile', category: 'api',
    terms: ['MapViewOfFile', 'MapViewOfFileEx', 'UnmapViewOfFile', 'NtMapViewOfSection', 'mapped view', 'view of a section', 'section view'], step: fault('prototype'), sidebar: 'vad', live: 'vads',
    explain: { en: 'Maps a view of a section into the address space (a mapped VAD); first touches resolve through prototype PTEs.', zh: '把 section 的视图映射到地址空间（映射型 VAD）；首次访问通过原型 PTE 解决。' },
  },
  {
    id: 'ReadProcessMemory', name: 'ReadProcessMemory', category: 'api',
    terms: ['ReadProcessMemory', 'WriteProcessMemory'], sidebar: 'process', live: 'vads',
    explain: { en: 'Reads or writes another process\'s memory (how debuggers work), with the right access to it.', zh: '读写另一个进程的内存（调试器的原理），需要相应的访问权限。' },
  },
  {
    id: 'Ntoskrnl', name: 'Ntoskrnl.exe', nameZh: 'Ntoskrnl.exe（执行体和内核）', category: 'concept',
    terms: ['Ntoskrnl.exe', 'ntoskrnl', '执行体'], plainTerms: ['executive'], headingTerms: ['executive', '执行体'], sidebar: 'process', live: 'system',
    explain: { en: 'The kernel image: executive and kernel, including the memory manager.', zh: '内核映像：包含执行体和内核，其中有内存管理器。' },
  },

  // ---- Address space, threads, handles, jobs (Windows Internals 7e ch. 3 "Process internals", ch. 5
  // "Virtual address space layouts"; Microsoft Learn "Virtual Address Space", "Handles and Objects", "Job Objects") ----
  {
    id: 'AddressSpace', name: 'Virtual address space', nameZh: '虚拟地址空间', category: 'concept',
    headingTerms: ['address space', 'address spaces', 'memory layout', '地址空间布局'],
    terms: ['virtual address space', 'user address space', 'address space', '虚拟地址空间', '用户地址空间', '地址空间', '初始地址空间', 'user space', 'system space', 'kernel space', 'virtual memory', '用户空间', '系统空间', '内核空间', '系统地址空间', '虚拟内存', '用户态地址空间'], sidebar: 'vad', live: 'vads',
    explain: {
      en: 'Each process has its own private virtual address space, its virtual memory (the memory layout: user space, the user address space of 128 TB on x64, below, and system space, or kernel space, shared by all processes above, with stage 3B building the initial address space). The VAD tree records what is reserved, and page tables map what is resident.',
      zh: '每个进程有自己私有的虚拟地址空间，即虚拟内存（地址空间布局：下部是用户空间，即用户地址空间、用户态地址空间，x64 上 128 TB，上部是所有进程共享的系统空间，即内核空间、系统地址空间，阶段 3B 建立初始地址空间）。VAD 树记录保留的范围，页表映射驻留的页面。',
    },
  },
  {
    id: 'Thread', name: 'Threads', nameZh: '线程', category: 'concept',
    headingTerms: ['thread', 'threads', 'thread internals', '线程'],
    plainTerms: ['thread', 'threads'],
    terms: ['CreateThread', 'CreateRemoteThread', 'CreateRemoteThreadEx', 'initial thread', '线程', '初始线程'], step: creation('4'), sidebar: 'thread', live: 'ethread',
    explain: {
      en: 'The unit the scheduler runs, from a process\'s initial thread on (thread internals: an ETHREAD with its KTHREAD in system space, a TEB and stack in user space). CreateProcess makes the initial thread in stage 4, suspended; CreateThread and CreateRemoteThread add more.',
      zh: '调度器执行的单位，从进程的初始线程开始（线程内部结构：系统空间中的 ETHREAD（含 KTHREAD），用户空间中的 TEB 和栈）。CreateProcess 在阶段 4 创建挂起的初始线程；CreateThread 和 CreateRemoteThread 创建更多线程。',
    },
  },
  {
    id: 'Handles', name: 'Handles', nameZh: '句柄', category: 'concept',
    headingTerms: ['handles', 'handle', 'open handles', 'object handles', '句柄'],
    terms: ['handle table', 'open handles', 'CloseHandle', 'DuplicateHandle', 'handle value', '句柄表', 'ObjectTable', 'HANDLE_TABLE'],
    plainTerms: ['句柄'], sidebar: 'handles', live: 'eprocess',
    explain: {
      en: 'A handle (a handle value) is an index into the process\'s handle table (EPROCESS.ObjectTable, its open handles) through which it uses an object with the access rights it was granted; it means nothing in another process. CloseHandle removes it; the object goes when its last handle and reference are gone.',
      zh: '句柄是进程句柄表（EPROCESS.ObjectTable）中的索引，进程通过它以已授予的访问权限使用一个对象；在其他进程中没有意义。CloseHandle 删除它；最后一个句柄和引用消失时对象被删除。',
    },
  },
  // Windows Internals 7e Part 1 ch. 2 "Kernel objects" and Part 2 ch. 8 "Object manager"; Microsoft
  // Learn "Kernel Objects" (Win32 SysInfo) and "Object Manager" (kernel-mode driver architecture).
  {
    id: 'ObjectManager', name: 'Object manager and kernel objects', nameZh: '对象管理器与内核对象', category: 'concept',
    headingTerms: ['objects', 'object manager', 'kernel objects', '对象', '对象管理器', '内核对象'],
    terms: ['object manager', 'kernel object', 'kernel objects', 'executive object', 'executive objects', 'Object Manager', 'ObReferenceObjectByHandle', 'OBJECT_HEADER', '_OBJECT_HEADER', '对象管理器', '内核对象', '执行体对象'],
    sidebar: 'handles', live: 'eprocess',
    explain: {
      en: 'Not simulated as a component: the object manager names, counts and secures the executive objects (processes, threads, sections, jobs, tokens…), each behind an OBJECT_HEADER; kernel objects are the kernel\'s own primitives (dispatcher and control objects) that executive objects embed. User mode reaches an object only through a handle. The nearest thing here is a process\'s handle table in the Processes view: each handle with its object and granted access.',
      zh: '模拟中没有作为组件实现：对象管理器为执行体对象（进程、线程、section、作业、令牌……）命名、计数并实施安全检查，每个对象前有 OBJECT_HEADER；内核对象是内核自己的基本对象（分派器对象和控制对象），嵌入在执行体对象中。用户模式只能通过句柄访问对象。最接近的是“进程”视图中进程的句柄表：每个句柄及其对象和已授予的访问权限。',
    },
  },
  {
    id: 'Jobs', name: 'Job objects', nameZh: '作业对象', category: 'concept',
    headingTerms: ['jobs', 'job', 'job objects', '作业'],
    terms: ['job object', 'CreateJobObject', 'AssignProcessToJobObject', 'SetInformationJobObject', '作业对象'],
    // "job"/"jobs" (everyday: a task) name the job object only where the context confirms it (recognize.ts).
    plainTerms: ['作业', 'job', 'jobs'], sidebar: 'jobs', live: 'eprocess',
    explain: {
      en: 'A job groups processes so they can be managed together and limited (CPU, memory, process count); CreateJobObject makes one, AssignProcessToJobObject adds a process, SetInformationJobObject sets limits.',
      zh: '作业把一组进程放在一起管理和限制（CPU、内存、进程数）；CreateJobObject 创建作业，AssignProcessToJobObject 加入进程，SetInformationJobObject 设置限制。',
    },
  },
  // ---- System processes (Windows Internals 7e ch. 2 "Key system components", "System processes"; Part 2 ch. 12,
  // "Smss, Csrss, and Wininit", "Winlogon"; KiInitialProcess: ntoskrnl's public symbols) ----
  {
    id: 'SystemProcesses', name: 'System processes', nameZh: '系统进程', category: 'concept',
    terms: ['system processes', 'system process', 'System进程', '系统进程', 'system threads', '系统线程'], sidebar: 'process', live: 'system',
    explain: {
      en: 'The processes a booted Windows 10 runs: Idle (pid 0, one idle thread per processor, its EPROCESS a variable in the kernel image rather than a process object), System (pid 4, the kernel\'s system threads such as the zero page thread), Registry and Memory Compression (minimal processes), and smss, which starts a copy of itself for each session; in session 0 csrss and wininit (which starts services, lsass and a font driver host; services starts the svchost instances), in session 1 csrss and winlogon (which starts a font driver host, dwm and userinit; userinit starts explorer and exits).',
      zh: 'Windows 10 启动后运行的进程：Idle（pid 0，每个处理器一个空闲线程，它的 EPROCESS 是内核映像中的一个变量，而不是进程对象）、System 进程（pid 4，运行零页线程等内核系统线程）、Registry 和 Memory Compression（最小进程），以及 smss，它为每个会话启动一个自身的副本；会话 0 中是 csrss 和 wininit（由它启动 services、lsass 和一个字体驱动宿主；services 启动各个 svchost 实例），会话 1 中是 csrss 和 winlogon（由它启动一个字体驱动宿主、dwm 和 userinit；userinit 启动 explorer 后退出）。',
    },
  },
  systemProcess('wininit', 'wininit.exe', ['wininit', 'wininit.exe', 'Windows Start-Up Application'],
    'The Windows Start-Up Application, session 0\'s initialization process: starts services.exe and lsass.exe.', '会话 0 的初始化进程：启动 services.exe 和 lsass.exe。'),
  systemProcess('services', 'services.exe', ['services.exe', 'Service Control Manager', 'svchost', 'svchost.exe', '服务控制管理器'],
    'The Service Control Manager: starts and controls Windows services, many of them inside svchost.exe processes.', '服务控制管理器：启动和控制 Windows 服务（服务进程），其中很多运行在 svchost.exe 进程中。',
    // SCM is also "source control management".
    ['SCM'],
    // Windows Internals 7e ch. 2, "Architecture overview": user, service, system and subsystem processes; "Services".
    ['services', 'service processes', 'windows services', '服务', '服务进程', 'Windows 服务']),
  systemProcess('lsass', 'lsass.exe', ['lsass', 'lsass.exe', 'Local Security Authority', 'LSA', '本地安全认证', '本地安全机构'],
    'The Local Security Authority: checks logons and creates the access tokens users\' processes run with.', '本地安全机构（本地安全认证）：验证登录，并创建用户进程运行时使用的访问令牌。'),
  systemProcess('winlogon', 'winlogon.exe', ['winlogon', 'winlogon.exe', '登录进程'],
    'Handles interactive logon and the secure attention sequence (Ctrl+Alt+Del); starts the user\'s shell through userinit.', '登录进程：处理交互式登录和安全注意序列（Ctrl+Alt+Del）；通过 userinit 启动用户的外壳。'),
  systemProcess('explorer', 'explorer.exe', ['explorer.exe', '桌面外壳'],
    'The user\'s shell: most programs a user starts are its children.', '用户的桌面外壳程序：用户启动的大部分程序都是它的子进程。'),

  // ---- Concepts of ch. 5 the simulation does not model (each names the nearest thing it does: the hover
  // says so in one generic sentence, explainText), and the TLB, which it models without a view
  // (Windows Internals 7e ch. 5 "Translation look-aside buffer", "Memory compression", "Proactive
  // memory management (SuperFetch)", "Address Windowing Extensions", "Kernel-mode heaps (system memory
  // pools)", "System PTEs" in "Virtual address space layouts", "Session space"; Microsoft Learn
  // "Address Windowing Extensions", "ExAllocatePool2"); ASLR, which it models, beside them
  // (Windows Internals 7e ch. 5 "Address space layout randomization") ----
  {
    id: 'TLB', name: 'Translation look-aside buffer', nameZh: '转换后备缓冲区（快表）', category: 'concept',
    terms: ['TLB', 'translation lookaside buffer', 'translation look-aside buffer', '快表', '页表缓存', '转换后备缓冲区'], step: fault(), sidebar: 'pte', live: 'pte',
    // mm/addressSpace.ts TLB_SIZE, faults.ts (slot = vpn & (TLB_SIZE - 1)), memoryManager.ts flushTlbEntry.
    explain: {
      en: 'The CPU caches virtual-to-physical translations in the TLB. The simulation keeps a small software TLB per address space (256 entries, indexed by the low bits of the virtual page number) and drops an entry whenever it rewrites that PTE, as the kernel flushes the TLB; no view shows it. A miss walks the four-level page tables, which the page-fault panel steps through.',
      zh: 'CPU 把虚拟地址到物理地址的转换缓存在 TLB（快表、页表缓存）中。模拟为每个地址空间保留一个小的软件 TLB（256 项，以虚拟页号的低位为索引），每当改写某个 PTE 就丢弃对应的项，如同内核刷新 TLB；没有视图显示它。TLB 未命中时要遍历四级页表，缺页面板会逐步展示这一过程。',
    },
  },
  {
    // Modelled since session 22 (mm/compression.ts): the store in MemCompression's working set, SmPageRead faults.
    // Windows Internals 7e ch. 5, "Memory compression" (the Memory Compression process since version 1607).
    id: 'MemoryCompression', name: 'Memory compression', nameZh: '内存压缩', category: 'concept', step: fault('store'), sidebar: 'pageList', live: 'pfnLists',
    terms: ['memory compression', 'compression store', 'Memory Compression process', 'store manager', '内存压缩', '压缩存储'],
    explain: {
      en: 'Since Windows 10 the memory manager hands modified private pages to the store manager, which compresses them into stores (since version 1607 kept in the working set of the Memory Compression process, before that in System\'s) instead of writing them to the paging file; a fault on a compressed page decompresses it. The simulation does this with its own compressor (not Windows\' Xpress), so its ratios are indicative; the Physical Memory view shows the store\'s figures.',
      zh: '自 Windows 10 起，内存管理器把已修改的私有页面交给存储管理器，由它压缩后放入压缩存储（自 1607 版起位于 Memory Compression 进程的工作集中，此前在 System 进程中），而不是写入页面文件；访问被压缩的页面时会先解压。模拟使用自己的压缩算法（不是 Windows 的 Xpress），因此压缩比仅供参考；“物理内存”视图显示存储的各项数字。',
    },
  },
  {
    id: 'SuperFetch', name: 'SuperFetch', nameZh: 'SuperFetch（预取）', category: 'concept', nearest: 'PageLists',
    terms: ['SuperFetch', 'SysMain', 'proactive memory management', '主动内存管理'], plainTerms: ['prefetch', 'prefetcher', '预取'],
    explain: {
      en: 'SuperFetch (the SysMain service), the proactive memory management and prefetcher: it tracks page use, prefetches the pages it predicts into the standby list and sets their page priorities (0-7).',
      zh: 'SuperFetch（SysMain 服务），即主动内存管理：跟踪页面使用情况，把预测会用到的页面预取到备用链表，并设置它们的页面优先级（0-7）。',
    },
  },
  {
    id: 'AWE', name: 'Address Windowing Extensions', nameZh: '地址窗口扩展（AWE）', category: 'concept', nearest: 'LargePages',
    terms: ['AWE', 'Address Windowing Extensions', 'AllocateUserPhysicalPages', 'MapUserPhysicalPages', 'FreeUserPhysicalPages', 'MEM_PHYSICAL', '地址窗口扩展'],
    explain: {
      en: 'Address Windowing Extensions: a process holding SeLockMemoryPrivilege allocates physical pages (AllocateUserPhysicalPages) and maps and remaps them into a window reserved with VirtualAlloc(MEM_PHYSICAL) (MapUserPhysicalPages); the pages are never paged out. 32-bit programs used it to reach more memory than their address space holds.',
      zh: '地址窗口扩展：持有 SeLockMemoryPrivilege 的进程分配物理页（AllocateUserPhysicalPages），再把它们映射、重映射到用 VirtualAlloc(MEM_PHYSICAL) 保留的窗口中（MapUserPhysicalPages）；这些页面永远不会被换出。32 位程序用它访问超过其地址空间的内存。',
    },
  },
  {
    // Modelled since session 22 (mm/pool.ts): the Physical Memory view's System node, kd !poolused / !pool.
    id: 'Pool', name: 'Pool (kernel-mode heaps)', nameZh: '内存池（分页池、非分页池）', category: 'concept', sidebar: 'pageList',
    terms: ['nonpaged pool', 'non-paged pool', 'paged pool', 'NonPagedPool', 'NonPagedPoolNx', 'PagedPool', 'pool tag', 'system memory pools', 'kernel pool', 'ExAllocatePoolWithTag', 'ExAllocatePool2', 'ExAllocatePool', 'ExFreePoolWithTag', 'ExFreePool', 'POOL_HEADER', '_POOL_HEADER', '非分页池', '分页池', '池标记', '系统内存池', '内存池'],
    headingTerms: ['pool', 'pools', 'memory pools', '池'],
    // "pool" (thread pool, pool of buffers) only where the context confirms it.
    plainTerms: ['pool', 'pools'],
    explain: {
      en: 'The kernel\'s heaps, the system memory pools: nonpaged pool (always resident) and paged pool, each block marked with a four-character pool tag; drivers and the executive allocate with ExAllocatePoolWithTag (now ExAllocatePool2), and !poolused counts by tag. In the simulation the executive\'s objects (EPROCESS, ETHREAD, tokens, sections) come from pool; the Physical Memory view\'s System node lists the pool by tag.',
      zh: '内核的堆，即系统内存池：非分页池（始终驻留）和分页池，每块带一个四字符的池标记；驱动和执行体用 ExAllocatePoolWithTag（现为 ExAllocatePool2）分配，!poolused 按标记统计。在模拟中，执行体对象（EPROCESS、ETHREAD、令牌、节）都从池中分配；“物理内存”视图的“系统”节点按标记列出池的使用情况。',
    },
  },
  {
    // Modelled since session 22 (mm/systemSpace.ts): kernel stacks come from system PTEs; kd !sysptes.
    id: 'SystemPTEs', name: 'System PTEs', nameZh: '系统 PTE', category: 'concept', sidebar: 'pageList',
    terms: ['system PTEs', 'system PTE', 'system page table entries', '系统PTE', '系统 PTE', '系统页表项'],
    explain: {
      en: 'System PTEs: a region of system space whose page table entries the memory manager hands out in runs of pages to map I/O space, kernel stacks and MDLs (MmMapLockedPagesSpecifyCache); !sysptes shows their use. In the simulation each thread\'s kernel stack is mapped with system PTEs; the Physical Memory view\'s System node shows how many are in use.',
      zh: '系统 PTE（系统页表项）：系统空间中的一个区域，内存管理器把它的页表项按连续页分配出去，用来映射 I/O 空间、内核栈和 MDL（MmMapLockedPagesSpecifyCache）；!sysptes 显示使用情况。在模拟中，每个线程的内核栈都用系统 PTE 映射；“物理内存”视图的“系统”节点显示已用的数量。',
    },
  },
  {
    id: 'SessionSpace', name: 'Session space', nameZh: '会话空间', category: 'concept', nearest: 'AddressSpace',
    terms: ['session space', 'MM_SESSION_SPACE', '_MM_SESSION_SPACE', 'session pool', '会话空间', '会话池'],
    explain: {
      en: 'Session space: the part of system space private to one session (its win32k data, session pool and session drivers); every process of the session maps the same session space.',
      zh: '会话空间：系统空间中属于某个会话私有的部分（win32k 数据、会话池和会话驱动）；同一会话的所有进程映射同一个会话空间。',
    },
  },
  {
    id: 'ASLR', name: 'ASLR (address space layout randomization)', nameZh: '地址空间布局随机化', category: 'concept',
    terms: ['ASLR', 'Address Space Layout Randomization', '地址空间布局随机化'], sidebar: 'vad', live: 'vads',
    explain: {
      en: 'Each image gets a base chosen once per boot and shared by every process that maps it, and the PTE base (self-map slot) is randomized per seed unless the pteBase setting is classic. The address space view shows where everything landed.',
      zh: '每个映像在每次启动时选定一个基址，映射它的所有进程共用；PTE 基址（自映射槽）按种子随机化，除非 pteBase 设置为 classic。地址空间视图显示各部分的位置。',
    },
  },
  // ---- The memory manager's system threads (ch. 5 opening) ---------------------------------
  {
    id: 'BalanceSetManager', name: 'Balance set manager', nameZh: '平衡集管理器', category: 'thread',
    terms: ['balance set manager', 'KeBalanceSetManager', '平衡集管理器'], step: { panel: 'systemThread', thread: 'balanceSetManager' }, sidebar: 'wsle', live: 'workingSet',
    explain: { en: 'Wakes every second (and when memory is low) and asks the working-set manager to trim when available memory is low.', zh: '每秒（以及内存不足时）唤醒，可用内存不足时让工作集管理器修剪工作集。' },
  },
  {
    id: 'ProcessStackSwapper', name: 'Process/stack swapper', nameZh: '进程/栈交换器', category: 'thread',
    terms: ['process/stack swapper', 'stack swapper', 'KeSwapProcessOrStack', '进程/栈交换器'], sidebar: 'thread', live: 'system',
    explain: { en: 'Swaps processes and kernel stacks in and out when threads have waited long; runs at priority 23. The simulation records its kernel-stack outswaps and inswaps as steps.', zh: '在线程长时间等待后换入换出进程和内核栈；优先级为 23。模拟把它换出和换入内核栈的操作记录为步骤。' },
  },
  {
    id: 'ModifiedPageWriter', name: 'Modified page writer', nameZh: '已修改页写入器', category: 'thread',
    terms: ['modified page writer', 'MiModifiedPageWriter', '已修改页写入器', '修改页写入器'], step: { panel: 'systemThread', thread: 'modifiedPageWriter' }, sidebar: 'pageList', live: 'pfnLists',
    explain: { en: 'Writes dirty pages from the modified list to the paging file; they then move to the standby list.', zh: '把已修改链表上的脏页写入页面文件；之后它们进入备用链表。' },
  },
  {
    id: 'MappedPageWriter', name: 'Mapped page writer', nameZh: '映射页写入器', category: 'thread',
    terms: ['mapped page writer', 'MiMappedPageWriter', '映射页写入器'], sidebar: 'pageList', live: 'pfnLists',
    explain: { en: 'Writes dirty pages of mapped files back to their files. (Paging-file pages go through the modified page writer.)', zh: '把映射文件的脏页写回文件。（页面文件的页由已修改页写入器写出。）' },
  },
  {
    id: 'SegmentDereferenceThread', name: 'Segment dereference thread', nameZh: '段解引用线程', category: 'thread',
    terms: ['segment dereference thread', 'MiDereferenceSegmentThread', '段解引用线程'], sidebar: 'object', live: 'system',
    explain: { en: 'Frees sections (control areas, segments) no longer referenced and grows or shrinks the paging file.', zh: '释放不再被引用的 section（控制区、段），并扩大或缩小页面文件。' },
  },
  {
    id: 'ZeroPageThread', name: 'Zero page thread', nameZh: '零页线程', category: 'thread',
    terms: ['zero page thread', 'MiZeroPageThread', '零页线程'], step: { panel: 'systemThread', thread: 'zeroPageThread' }, sidebar: 'pageList', live: 'pfnLists',
    explain: { en: 'Runs at the lowest priority and zeroes pages of the free list, moving them to the zeroed list.', zh: '以最低优先级运行，把空闲链表上的页清零并移到零页链表。' },
  },
];

function systemProcess(id: string, name: string, terms: string[], en: string, zh: string, plainTerms?: string[], headingTerms?: string[]): GlossaryEntry {
  return { id, name, category: 'concept', terms, ...(plainTerms ? { plainTerms } : {}), ...(headingTerms ? { headingTerms } : {}), sidebar: 'process', live: 'system', explain: { en, zh } };
}

function stageEntry(stage: Stage, terms: string[], en: string, zh: string): GlossaryEntry {
  return { id: `Stage${stage}`, name: `Stage ${stage}`, category: 'stage', terms, step: { panel: 'processCreation', stage }, sidebar: 'process', live: 'eprocess', explain: { en, zh } };
}

const byId = new Map(GLOSSARY.map((e) => [e.id, e]));

/** The part of the book a topic belongs to: processes (chapters 2-3) or memory (chapter 5). */
export type Area = 'process' | 'memory';

/**
 * A topic's area, from where the simulation shows it: page faults, the memory manager's system
 * threads and the memory views are memory; the rest is processes. Chapters cover both (undefined).
 */
export function areaOf(e: GlossaryEntry): Area | undefined {
  if (e.category === 'chapter') return undefined;
  if (e.nearest) return areaOf(entry(e.nearest));
  if (e.step?.panel === 'pageFault' || e.step?.panel === 'systemThread') return 'memory';
  switch (e.sidebar) {
    case 'vad': case 'pte': case 'wsle': case 'pfn': case 'pageList': case 'pageFile': case 'commit': case 'object': return 'memory';
    default: return 'process';
  }
}

/** The entry with this id (throws on an unknown id: ids are code, not input). */
export function entry(id: string): GlossaryEntry {
  const e = byId.get(id);
  if (!e) throw new Error(`no glossary entry ${id}`);
  return e;
}

/**
 * The explanation shown for an entry: for a concept the simulation does not model, one generic
 * sentence that says so and names the nearest thing it shows, then the concept's own text.
 */
export function explainText(e: GlossaryEntry, zh: boolean): string {
  if (!e.nearest) return zh ? e.explain.zh : e.explain.en;
  const n = entry(e.nearest);
  return zh
    ? `模拟中没有这一部分；最接近的是模拟中的${n.nameZh ?? n.name}。${e.explain.zh}`
    : `Not simulated here; the nearest thing the simulation shows is ${n.name}. ${e.explain.en}`;
}

/** Where an entry's "Step through" goes: its own stepper, or the nearest modelled thing's. */
export function stepOf(e: GlossaryEntry): StepTarget | undefined {
  return e.step ?? (e.nearest ? entry(e.nearest).step : undefined);
}

/** The entry for a process-creation stage ('3' means the stage-3 group, shown from 3A). */
export function stageEntryFor(stage: string): GlossaryEntry | undefined {
  const s = stage.toUpperCase();
  return byId.get(`Stage${s === '3' ? '3A' : s}`);
}
