// Where a heading's lens goes (issue 15, "Headings"): the part of the simulation that shows the
// heading's topic — a stepping panel at the right stage or fault kind, a node of the current
// process in the Processes view (its threads, handles, address space, working set, PEB, token), or
// a whole view (Physical Memory, Sections, Jobs). Pure data: the host turns a target into a command.
// The nodes are the ones the sidebar builds (views/model.ts ProcessesModel.children).
import { entry, type SidebarTarget, type StepTarget } from './glossary';

/** A child of a process node in the Processes view (the process node itself for 'process'). */
export type ProcessPart = 'process' | 'threads' | 'handles' | 'addressSpace' | 'workingSet' | 'peb' | 'token' | 'job';
export const PROCESS_PARTS: readonly ProcessPart[] = ['process', 'threads', 'handles', 'addressSpace', 'workingSet', 'peb', 'token', 'job'];

/** A view of the NT Lab sidebar shown as a whole. */
export type SidebarView = 'physicalMemory' | 'sections' | 'jobs';

export type LensTarget =
  | { readonly kind: 'step'; readonly step: StepTarget }
  | { readonly kind: 'processPart'; readonly part: ProcessPart }
  | { readonly kind: 'view'; readonly view: SidebarView };

/** Where each sidebar topic is shown. */
export function sidebarPlace(target: SidebarTarget): LensTarget {
  switch (target) {
    case 'process': return { kind: 'processPart', part: 'process' };
    case 'thread': return { kind: 'processPart', part: 'threads' };
    case 'handles': return { kind: 'processPart', part: 'handles' };
    // VADs and the PTEs that map them are listed under the process's address space.
    case 'vad': case 'pte': return { kind: 'processPart', part: 'addressSpace' };
    case 'wsle': return { kind: 'processPart', part: 'workingSet' };
    case 'peb': return { kind: 'processPart', part: 'peb' };
    case 'token': return { kind: 'processPart', part: 'token' };
    // The PFN database, its lists, the commit charge and the paging file are the Physical Memory view.
    case 'pfn': case 'pageList': case 'commit': case 'pageFile': return { kind: 'view', view: 'physicalMemory' };
    // Section objects: control areas, segments and prototype PTEs.
    case 'object': return { kind: 'view', view: 'sections' };
    case 'jobs': return { kind: 'view', view: 'jobs' };
    default: { const never: never = target; return never; }
  }
}

/**
 * The lenses of a heading about a glossary topic, in order: the stepper (panel or system thread)
 * when the topic has one, then the place in the sidebar.
 */
export function headingTargets(entryId: string): LensTarget[] {
  const e = entry(entryId);
  const out: LensTarget[] = [];
  if (e.step) out.push({ kind: 'step', step: e.step });
  if (e.sidebar) out.push(sidebarPlace(e.sidebar));
  return out;
}
