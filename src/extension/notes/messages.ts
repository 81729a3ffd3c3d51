// Localized text of the notes features: parse and run errors, block results, live hover values.
// The pure modules return codes and data; this is where they become words (DESIGN.md §2).
import * as vscode from 'vscode';
import type { System } from '../../engine';
import { isHoverStructure, structureHover } from '../documents/layout';
import { PAGE_SIZE } from '../present/format';
import { largePageFact } from './facts';
import { explainText, type GlossaryEntry, type LiveKind } from './glossary';
import type { ParseError } from './language';
import { hex, type Outcome, type RunError, type RunResult } from './run';

/** Whether the UI speaks Chinese (the glossary's explanations come in both languages). */
export function isChinese(): boolean {
  return vscode.env.language.toLowerCase().startsWith('zh');
}

export function explanation(e: GlossaryEntry): string {
  return explainText(e, isChinese());
}

/** The concept's name in the UI language (the Chinese edition's term in a Chinese UI). */
export function displayName(e: GlossaryEntry): string {
  return isChinese() && e.nameZh ? e.nameZh : e.name;
}

export function parseErrorMessage(e: ParseError): string {
  const [a = '', b = ''] = e.args;
  switch (e.code) {
    case 'unknownCommand': return b ? vscode.l10n.t('Unknown command "{0}". Did you mean "{1}"?', a, b) : vscode.l10n.t('Unknown command "{0}".', a);
    case 'missingArgument': return vscode.l10n.t('"{0}" needs {1}.', a, b);
    case 'badNumber': return vscode.l10n.t('"{0}" is not a number (write 4096, 0x1000 or 64K).', a);
    case 'badSize': return vscode.l10n.t('"{0}" is not a size (write 4096, 0x1000, 64K, 2MB or 1G).', a);
    case 'badProtection': return vscode.l10n.t('"{0}" is not a protection (r, rw, rx, rwx, noaccess, wc, or a PAGE_* name; add +guard).', a);
    case 'unexpected': return vscode.l10n.t('Unexpected "{0}".', a);
    case 'badVariable': return vscode.l10n.t('"{0}" is not a variable name (write $name).', a);
    case 'badHex': return vscode.l10n.t('"{0}" is not a list of hex bytes (write 48 65 6c or "text").', a);
    case 'unknownThread': return b ? vscode.l10n.t('Unknown system thread "{0}". Did you mean "{1}"?', a, b) : vscode.l10n.t('Unknown system thread "{0}".', a);
    case 'unterminatedString': return vscode.l10n.t('The string has no closing quote.');
    case 'notAssignable': return vscode.l10n.t('{0} is set by every command; choose another name.', a);
    default: { const never: never = e.code; return String(never); }
  }
}

export function runErrorMessage(e: RunError): string {
  const [a = '', b = '', c = ''] = e.args;
  switch (e.code) {
    case 'noSystem': return vscode.l10n.t('No simulation is running: start with "boot".');
    case 'noProcess': return vscode.l10n.t('No current process: create one with "process <image>" or choose one with "use <pid>".');
    case 'noSuchProcess': return vscode.l10n.t('There is no process {0}.', a);
    case 'unknownVariable': return vscode.l10n.t('{0} has no value yet.', a);
    case 'win32': return vscode.l10n.t('Failed: {0} ({1}).', a, b);
    case 'exception': return vscode.l10n.t('Exception {0} ({2}) at {1}.', a, b, c);
    case 'internal': return vscode.l10n.t('Internal error: {0}', a);
    default: { const never: never = e.code; return String(never); }
  }
}

function faults(list: readonly string[]): string {
  return list.length ? vscode.l10n.t(' (faults: {0})', list.join(', ')) : '';
}

export function resultText(r: RunResult): string {
  switch (r.kind) {
    case 'booted': return r.already
      ? vscode.l10n.t('already running: {0} MB, {1} processes', r.memoryMB, r.processes)
      : vscode.l10n.t('booted: {0} MB, {1} processes', r.memoryMB, r.processes);
    case 'process': return vscode.l10n.t('pid {0}, tid {1} ({2})', r.pid, r.tid, r.image);
    case 'current': return vscode.l10n.t('current process: pid {0} ({1})', r.pid, r.image);
    case 'allocated': return r.hugePages !== undefined
      ? vscode.l10n.t('{0}: {1} x 1 GB + {2} x 2 MB pages', hex(r.base), r.hugePages, r.largePages ?? 0)
      : vscode.l10n.t('{0} ({1} bytes, {2})', hex(r.base), r.size.toString(), r.protect);
    case 'touched': return vscode.l10n.t('{0} page(s) touched', r.pages) + faults(r.faults);
    case 'bytes': return r.hex + faults(r.faults);
    case 'written': return vscode.l10n.t('{0} byte(s) written', r.count) + faults(r.faults);
    case 'protected': return vscode.l10n.t('was {0}', r.oldProtect);
    case 'freed': return r.released ? 'MEM_RELEASE' : 'MEM_DECOMMIT';
    case 'region': return `${hex(r.base)} +${hex(r.size)} ${r.state} ${r.protect} ${r.type}`;
    case 'walk': return `${r.levels.join(' → ')}${r.physical !== null ? ` → PA ${hex(r.physical)}` : ''}${r.largePage ? ` (${r.largePage})` : ''}`;
    case 'trimmed': return vscode.l10n.t('working set {0} → {1} pages', r.before, r.after);
    case 'mapped': return vscode.l10n.t('view at {0} (handle {1})', hex(r.base), r.handle);
    case 'lists': {
      const standby = r.info.PageCountByPriority.reduce((x, y) => x + y, 0);
      return vscode.l10n.t('Zeroed {0} · Free {1} · Standby {2} · Modified {3} · Modified no-write {4} · Bad {5} (pages)',
        r.info.ZeroPageCount, r.info.FreePageCount, standby, r.info.ModifiedPageCount, r.info.ModifiedNoWritePageCount, r.info.BadPageCount);
    }
    case 'threadRan': return vscode.l10n.t('{0} ran ({1} steps)', r.routine, r.steps);
    case 'done': return vscode.l10n.t('done');
    case 'kd': return kdSummary(r.lines);
    default: { const never: never = r; return String(never); }
  }
}

/** One line for a debugger command's output after its line: its first line and how many more the hover shows. */
export function kdSummary(lines: readonly string[]): string {
  const shown = lines.find((l) => l.trim() !== '')?.trim() ?? '';
  if (!shown) return vscode.l10n.t('(no output)');
  const more = lines.filter((l) => l.trim() !== '').length - 1;
  const clipped = shown.length > 100 ? `${shown.slice(0, 100)}…` : shown;
  return more > 0 ? vscode.l10n.t('{0} … (+{1} lines: hover the line)', clipped, more) : clipped;
}

export function outcomeText(o: Outcome): string {
  return o.error ? `✗ ${runErrorMessage(o.error)}` : `→ ${resultText(o.result!)}`;
}

/** The process a hover describes: the one the notes' blocks use, else the most recently created. */
export function currentPid(system: System, preferred: number | undefined): number | undefined {
  if (preferred !== undefined && system.queryProcess(preferred)) return preferred;
  const ids = system.processIds;
  return ids.length ? ids[ids.length - 1] : undefined;
}

/**
 * Live simulated values for a hover, as a `dt`-style block: the structures the engine lays out are
 * shown with their real offsets; the rest from the inspection API.
 */
export function liveValues(kind: LiveKind, system: System, pid: number | undefined): string {
  const rows: Array<[string, string]> = [];
  let title = '';
  const p = pid !== undefined ? system.queryProcess(pid) : undefined;
  if (p && isHoverStructure(kind)) {
    const text = structureHover(system, kind, p.pid);
    if (text) return text;
    if (kind === 'w32Process') return vscode.l10n.t('{0} (pid {1}) has no W32PROCESS: it has not called into win32k (console and native programs never do).', p.imageFileName, p.pid);
    if (kind === 'csrProcess') return vscode.l10n.t('{0} (pid {1}) has no CSR_PROCESS: CSRSS has not been told about it (stage 5), or it is not a Windows-subsystem process.', p.imageFileName, p.pid);
  }
  switch (kind) {
    case 'eprocess':
    case 'csrProcess':
    case 'w32Process':
      if (!p) break;
      title = `nt!_EPROCESS ${hex(p.eprocess)}`;
      rows.push(['UniqueProcessId', `${p.pid}`], ['InheritedFromUniqueProcessId', `${p.parentPid}`], ['ImageFileName', `"${p.imageFileName}"`],
        ['Peb', hex(p.peb)], ['Pcb.DirectoryTableBase', hex(p.directoryTableBase * PAGE_SIZE)], ['ActiveThreads', `${p.threads.length}`],
        ['Vm.WorkingSetSize', vscode.l10n.t('{0} pages', p.workingSetSize)], ['CommitCharge', vscode.l10n.t('{0} pages', p.privateCommit)], ['VadCount', `${p.vadCount}`]);
      break;
    case 'kprocess':
      if (!p) break;
      title = `nt!_KPROCESS ${hex(p.eprocess)} (EPROCESS.Pcb)`;
      rows.push(['DirectoryTableBase', hex(p.directoryTableBase * PAGE_SIZE)], ['ThreadListHead', vscode.l10n.t('{0} thread(s)', p.threads.length)]);
      break;
    case 'peb':
      if (!p) break;
      title = `nt!_PEB ${hex(p.peb)} (${p.imageFileName})`;
      rows.push(['EPROCESS.Peb', hex(p.peb)], ['ProcessParameters', 'RTL_USER_PROCESS_PARAMETERS'], [vscode.l10n.t('user space'), p.peb < 0x800000000000n ? '✓' : '✗']);
      break;
    case 'teb':
    case 'ethread':
      if (!p) break;
      title = `${kind === 'teb' ? 'nt!_TEB' : 'nt!_ETHREAD'} (${p.imageFileName}, pid ${p.pid})`;
      for (const t of p.threads.slice(0, 6)) rows.push([`Cid.UniqueThread ${t.tid}`, `Teb ${hex(t.teb)} · ${t.state}`]);
      break;
    case 'workingSet':
      if (!p) break;
      title = vscode.l10n.t('Working set of {0} (pid {1})', p.imageFileName, p.pid);
      rows.push(['WorkingSetSize', `${p.workingSetSize}`], ['MinimumWorkingSetSize', `${p.workingSetMinimum}`], ['MaximumWorkingSetSize', `${p.workingSetMaximum}`],
        ['PeakWorkingSetSize', `${p.peakWorkingSetSize}`], ['PageFaultCount', `${p.pageFaultCount}`]);
      break;
    case 'pfnLists': {
      const info = system.querySystemMemoryListInformation();
      title = 'SYSTEM_MEMORY_LIST_INFORMATION';
      rows.push(['ZeroPageCount', `${info.ZeroPageCount}`], ['FreePageCount', `${info.FreePageCount}`],
        ['PageCountByPriority', `[${info.PageCountByPriority.join(', ')}]`], ['ModifiedPageCount', `${info.ModifiedPageCount}`],
        ['ModifiedNoWritePageCount', `${info.ModifiedNoWritePageCount}`], ['BadPageCount', `${info.BadPageCount}`]);
      break;
    }
    case 'commit': {
      const c = system.queryCommit();
      title = vscode.l10n.t('Commit (pages)');
      rows.push(['CommitTotal', `${c.CommitTotal}`], ['CommitLimit', `${c.CommitLimit}`], ['CommitPeak', `${c.CommitPeak}`]);
      break;
    }
    case 'vads':
      if (!p) break;
      title = `!vad (${p.imageFileName}, pid ${p.pid})`;
      for (const v of system.queryVads(p.pid).slice(0, 8)) rows.push([`${hex(v.start)}-${hex(v.end)}`, `${v.vadType} ${v.memCommit ? 'MEM_COMMIT' : ''} ${v.commitCharge}`]);
      break;
    case 'pte':
      if (!p) break;
      title = `!pte ${hex(p.peb)} (PEB, ${p.imageFileName})`;
      for (const l of system.walkAddress(p.pid, p.peb).levels) rows.push([`${l.level} ${hex(l.address)}`, `[${l.index}] ${l.decoded.kind}`]);
      break;
    case 'largePages': {
      const fact = largePageFact(1040);
      if (!fact) break;
      title = vscode.l10n.t('VirtualAlloc(1040 MB, MEM_LARGE_PAGES) in the simulation');
      rows.push([vscode.l10n.t('1 GB pages'), `${fact.hugePages}`], [vscode.l10n.t('2 MB pages'), `${fact.largePages}`]);
      break;
    }
    case 'system':
      title = vscode.l10n.t('{0} processes', system.processCount);
      for (const id of system.processIds.slice(0, 10)) rows.push([`${id}`, system.queryProcess(id)?.imageFileName ?? '']);
      break;
    default: { const never: never = kind; return String(never); }
  }
  if (!title) return '';
  const width = Math.max(...rows.map(([k]) => k.length), 0);
  return [title, ...rows.map(([k, v]) => `   ${k.padEnd(width)} : ${v}`)].join('\n');
}
