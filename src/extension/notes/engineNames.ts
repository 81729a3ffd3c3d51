// Names the simulation itself shows, recognized in notes without a hand list (issue 15, review of
// session 23): every routine of the engine's step schemas and of their call chains (the stepper and
// kd's `k` show them), every Win32/NT constant the engine exports (its API takes them), and every type
// `dt` knows. Each name is tied to a glossary topic by a rule on where the engine uses it (the step's
// code, the constant's prefix, the type's name), never name by name. The glossary's own terms win:
// these only fill the gaps (terms.ts lookupToken).
import { CREATION_STAGES, STEP_SCHEMAS } from '../../engine';
import * as Win32Constants from '../../engine/constants';
import { DT_TYPES } from '../kd/dt';
import { SYMBOL_TYPES } from '../kd/symbols';
import { callChain } from '../present/steps/chain';

/** A step code's area (before the dot, or the whole code) -> the topic its routine belongs to. */
const CODE_TOPICS: Readonly<Record<string, string>> = {
  'fault.demandZero': 'DemandZero', 'fault.pageTable': 'DemandZero', 'fault.transition': 'TransitionFault', 'fault.pageFile': 'PageFileFault',
  'fault.store': 'MemoryCompression', 'fault.guardPage': 'GuardPage', 'fault.accessViolation': 'AccessViolation', 'fault.stackGrowth': 'GuardPage',
  'fault.stackOverflow': 'GuardPage', 'fault.prototype': 'PrototypePTE', 'fault.copyOnWrite': 'CopyOnWrite', fault: 'PageFault', 'io.pageRead': 'PageFault',
  'section.mapView': 'MapViewOfFile', 'section.unmapView': 'MapViewOfFile', 'section.delete': 'SegmentDereferenceThread', section: 'CreateFileMapping',
  ws: 'WorkingSet', 'thread.balanceSetManager': 'BalanceSetManager', 'thread.modifiedPageWriter': 'ModifiedPageWriter',
  'thread.modifiedPageWriterNoPagingFile': 'ModifiedPageWriter', 'thread.mappedPageWriter': 'MappedPageWriter', 'thread.zeroPage': 'ZeroPageThread',
  'thread.storeWrite': 'MemoryCompression', 'thread.outswapStack': 'ProcessStackSwapper', 'thread.inswapStack': 'ProcessStackSwapper',
  pfn: 'PageLists', memoryList: 'PageLists',
  'vm.decommit': 'VirtualFree', 'vm.release': 'VirtualFree', 'vm.protect': 'VirtualProtect', 'vm.lock': 'VirtualLock', 'vm.unlock': 'VirtualLock', vm: 'VirtualAlloc',
  create: 'CreateProcessFlow', shell: 'ShellExecute', appx: 'CreateProcessFlow', pool: 'Pool', 'sys.kernelStack': 'SystemPTEs', 'sys.kernelStackFree': 'SystemPTEs',
  'system.boot': 'SystemProcesses', 'system.privilege': 'AccessToken', token: 'AccessToken', debug: 'DebugObject', console: 'conhost',
  'ps.registerProcessNotify': 'PsSetCreateProcessNotifyRoutine', 'ps.notifyProcess': 'PsSetCreateProcessNotifyRoutine', ps: 'PsSetCreateThreadNotifyRoutine',
  thread: 'Thread', 'process.system': 'SystemProcesses', 'process.idle': 'SystemProcesses', 'process.registry': 'PicoProcesses',
  'process.memCompression': 'MemoryCompression', process: 'EPROCESS', object: 'Handles', 'ob.createKnownDlls': 'smss', job: 'Jobs', heap: 'HeapAlloc',
};

/** A constant's prefix -> its topic (the API that takes it); the longest prefix wins. ERROR_/STATUS_ codes name no topic. */
const CONSTANT_TOPICS: ReadonlyArray<readonly [string, string]> = [
  ['PAGE_SIZE', 'SmallPages'], ['PAGE_SHIFT', 'SmallPages'], ['PAGE_MASK', 'SmallPages'],
  ['MEM_DECOMMIT', 'VirtualFree'], ['MEM_RELEASE', 'VirtualFree'], ['MEM_', 'VirtualAlloc'],
  ['PAGE_WRITECOPY', 'CopyOnWrite'], ['PAGE_EXECUTE_WRITECOPY', 'CopyOnWrite'], ['PAGE_GUARD', 'GuardPage'], ['PAGE_', 'VirtualProtect'],
  ['SEC_', 'CreateFileMapping'], ['SECTION_', 'CreateFileMapping'], ['FILE_MAP_', 'MapViewOfFile'],
  ['CREATE_', 'CreateProcess'], ['DEBUG_', 'DebugObject'], ['DETACHED_PROCESS', 'CreateProcess'], ['EXTENDED_STARTUPINFO_PRESENT', 'STARTUPINFO'],
  ['_PRIORITY_CLASS', 'CreateProcess'], ['JOB_OBJECT_', 'Jobs'], ['PROCESS_', 'Handles'], ['THREAD_', 'Handles'], ['TOKEN_', 'AccessToken'],
  ['Token', 'AccessToken'], ['SE_', 'AccessToken'], ['QUOTA_LIMITS_', 'WorkingSet'], ['MEMORY_PRIORITY', 'PageLists'], ['STACK_SIZE_', 'Thread'],
  ['WRITE_WATCH', 'VirtualAlloc'], ['HEAP_', 'HeapAlloc'],
];

function topicOfCode(code: string): string | undefined {
  return CODE_TOPICS[code] ?? CODE_TOPICS[code.slice(0, code.indexOf('.'))];
}

/** CreateFile's dispositions (CREATE_NEW, CREATE_ALWAYS): CreateFile has no entry, and they are no process-creation flags. */
const FILE_DISPOSITIONS = new Set(['CREATE_NEW', 'CREATE_ALWAYS', 'OPEN_EXISTING', 'OPEN_ALWAYS', 'TRUNCATE_EXISTING']);

function topicOfConstant(name: string): string | undefined {
  if (FILE_DISPOSITIONS.has(name)) return undefined;
  // The longest prefix; a suffix (`…_PRIORITY_CLASS`) only when no prefix names the constant.
  let best: readonly [string, string] | undefined;
  for (const p of CONSTANT_TOPICS) if (!p[0].startsWith('_') && name.startsWith(p[0]) && (!best || p[0].length > best[0].length)) best = p;
  return best?.[1] ?? CONSTANT_TOPICS.find((p) => p[0].startsWith('_') && name.endsWith(p[0]))?.[1];
}

/**
 * lower-cased name -> topic id, for every name the engine shows. `known(name)` says whether the
 * glossary names it already (its topic stands); `topicOfType` maps a structure name to the topic a
 * part of it names (`MMVAD` -> VAD, `EJOB` -> Jobs), through the glossary's tokens.
 */
export function engineNames(topicOfType: (typeName: string) => string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: string, id: string | undefined): void => { if (id && /^[A-Za-z_][A-Za-z0-9_]{3,}$/.test(name) && /[A-Z_]/.test(name.slice(1)) && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), id); };
  // The call chain of each creation stage (CreateProcessInternalW -> NtCreateUserProcess -> …): the stage's routines.
  for (const stage of CREATION_STAGES) for (const r of callChain({ routine: '', kind: 'processCreation', stage })) add(r, `Stage${stage}`);
  for (const [code, schema] of Object.entries(STEP_SCHEMAS)) {
    // A native system service with no more specific topic (NtCreateFile, NtSetValueKey) is still a system service.
    add(schema.routine, topicOfCode(code) ?? (/^Nt[A-Z]/.test(schema.routine) ? 'SystemCalls' : undefined));
    // The routines the stepper and kd show above a fault's resolver: KiPageFault, MmAccessFault.
    if (schema.kind === 'pageFault') for (const r of callChain({ routine: schema.routine, kind: schema.kind })) if (r !== schema.routine) add(r, 'PageFault');
  }
  for (const [name, value] of Object.entries(Win32Constants)) if (typeof value === 'number' || typeof value === 'bigint') add(name, topicOfConstant(name));
  for (const t of [...DT_TYPES.map((d) => d.type), ...SYMBOL_TYPES.map((d) => d.type)]) {
    const id = topicOfType(t);
    add(t, id);
    add(t.replace(/^_+/, ''), id);
  }
  return out;
}
