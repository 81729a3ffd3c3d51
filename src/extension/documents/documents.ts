// Read-only virtual documents: `ntlab-dt:` ("Show as dt" on any object) and `ntlab-pte:` (a PTE and
// PFN decode of any address). Their text comes from the displayed state and follows it: every
// recorded step or cursor move fires onDidChange for the open documents (debounced).
import * as vscode from 'vscode';
import { Commands } from '../ids';
import type { SimulationSession } from '../session';
import { parseAddress } from '../commands/parse';
import { hex } from '../present/format';
import { askParsed } from '../commands/validation';
import { objectRefOf, parseId, renderDtDocument, renderPte, typeName, type DtLink, type DtTarget } from './layout';

export const DT_SCHEME = 'ntlab-dt';
export const PTE_SCHEME = 'ntlab-pte';
export const DocumentCommands = {
  showAsDt: Commands.showAsDt,
  decodePte: Commands.decodePte,
} as const;

const UPDATE_DEBOUNCE_MS = 60;

/** `ntlab-dt:/_EPROCESS explorer.exe?kind=process&pid=1234`: the title is the path, the target is the query. */
export function dtUri(target: DtTarget, title: string): vscode.Uri {
  const q = new URLSearchParams({ kind: target.kind });
  if ('pid' in target) q.set('pid', String(target.pid));
  if (target.kind === 'thread') q.set('tid', String(target.tid));
  if (target.kind === 'vad') q.set('va', hex(target.va));
  if (target.kind === 'pfn') q.set('pfn', String(target.pfn));
  if (target.kind === 'handle') q.set('handle', String(target.handle));
  if ('jobId' in target) q.set('jobId', String(target.jobId));
  if (target.kind === 'controlArea') q.set('controlArea', String(target.controlArea));
  if (target.kind === 'layout') {
    q.set('type', target.ref.kind);
    for (const [k, v] of Object.entries(target.ref)) if (k !== 'kind') q.set(k, String(v));
  }
  return vscode.Uri.from({ scheme: DT_SCHEME, path: `/${typeName(target)} ${title}`, query: q.toString() });
}

export function dtTargetOf(uri: vscode.Uri): DtTarget | undefined {
  const q = new URLSearchParams(uri.query);
  const int = (k: string): number | undefined => parseId(q.get(k));
  const pid = int('pid');
  switch (q.get('kind')) {
    case 'process': return pid === undefined ? undefined : { kind: 'process', pid };
    case 'peb': return pid === undefined ? undefined : { kind: 'peb', pid };
    case 'token': return pid === undefined ? undefined : { kind: 'token', pid };
    case 'thread': { const tid = int('tid'); return pid === undefined || tid === undefined ? undefined : { kind: 'thread', pid, tid }; }
    case 'vad': { const va = parseAddress(q.get('va') ?? ''); return pid === undefined || !va.ok ? undefined : { kind: 'vad', pid, va: va.value }; }
    case 'pfn': { const pfn = int('pfn'); return pfn === undefined ? undefined : { kind: 'pfn', pfn }; }
    case 'handle': { const handle = int('handle'); return pid === undefined || handle === undefined ? undefined : { kind: 'handle', pid, handle }; }
    case 'job': case 'jobLimits': case 'jobAccounting': { const jobId = int('jobId'); return jobId === undefined ? undefined : { kind: q.get('kind') as 'job', jobId }; }
    case 'controlArea': { const controlArea = int('controlArea'); return controlArea === undefined ? undefined : { kind: 'controlArea', controlArea }; }
    case 'layout': {
      const ref = objectRefOf(q.get('type') ?? '', { pid, tid: int('tid'), index: int('index'), handle: int('handle'), jobId: int('jobId'), objectId: int('objectId') });
      return ref ? { kind: 'layout', ref } : undefined;
    }
    default: return undefined;
  }
}

export function pteUri(pid: number, va: bigint): vscode.Uri {
  return vscode.Uri.from({ scheme: PTE_SCHEME, path: `/!pte ${hex(va)} (pid ${pid})`, query: new URLSearchParams({ pid: String(pid), va: hex(va) }).toString() });
}

class StructureDocuments implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  constructor(private readonly session: SimulationSession) {}

  private stepText(): string {
    const system = this.session.system;
    if (!system) return vscode.l10n.t('no simulation');
    const seq = this.session.cursor ?? system.stepCount - 1;
    return this.session.cursor === undefined ? vscode.l10n.t('present, after step {0}', seq) : vscode.l10n.t('time travel: after step {0}', seq);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const system = this.session.displayed;
    if (!system) return vscode.l10n.t('No simulation is running. Start one first.');
    if (uri.scheme === PTE_SCHEME) {
      const q = new URLSearchParams(uri.query);
      const pid = Number(q.get('pid'));
      const va = parseAddress(q.get('va') ?? '');
      if (!Number.isInteger(pid) || !va.ok) return vscode.l10n.t('This address is not valid: {0}', uri.query);
      return renderPte(system, pid, va.value, vscode.l10n, this.stepText());
    }
    const target = dtTargetOf(uri);
    if (!target) return vscode.l10n.t('This address is not valid: {0}', uri.query);
    const { text, links } = renderDtDocument(system, target, vscode.l10n, this.stepText());
    this.renderedLinks.set(uri.toString(), links);
    return text;
  }

  /** The links of each dt document's last render, so the link provider does not render it again. */
  private readonly renderedLinks = new Map<string, DtLink[]>();

  /** The fields of a dt document that lead to other structures, as links to their own dumps. */
  provideDocumentLinks(doc: vscode.TextDocument): vscode.DocumentLink[] {
    const system = this.session.displayed;
    const rendered = this.renderedLinks.get(doc.uri.toString());
    if (!system || !rendered) return [];
    const links: vscode.DocumentLink[] = [];
    for (const l of rendered) {
      // Links and text come from the same render; still, link only lines that say what was rendered.
      if (l.line >= doc.lineCount) continue;
      const range = new vscode.Range(l.line, l.start, l.line, l.end);
      if (doc.getText(range) !== l.name) continue;
      const to: DtTarget = { kind: 'layout', ref: l.ref };
      const link = new vscode.DocumentLink(range, dtUri(to, layoutTitle(l.ref, (pid) => system.queryProcess(pid)?.imageFileName)));
      link.tooltip = vscode.l10n.t('Dump {0}', typeName(to));
      links.push(link);
    }
    return links;
  }

  /** Re-renders every open structure document. */
  refreshOpen(): void {
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    for (const uri of this.renderedLinks.keys()) if (!open.has(uri)) this.renderedLinks.delete(uri);
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === DT_SCHEME || doc.uri.scheme === PTE_SCHEME) this.changed.fire(doc.uri);
    }
  }

  dispose(): void { this.changed.dispose(); }
}

export function registerDocuments(context: vscode.ExtensionContext, session: SimulationSession): void {
  const docs = new StructureDocuments(session);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (): void => {
    if (timer !== undefined) return;
    timer = setTimeout(() => { timer = undefined; docs.refreshOpen(); }, UPDATE_DEBOUNCE_MS);
  };
  context.subscriptions.push(
    docs,
    { dispose: () => { if (timer !== undefined) clearTimeout(timer); } },
    vscode.workspace.registerTextDocumentContentProvider(DT_SCHEME, docs),
    vscode.workspace.registerTextDocumentContentProvider(PTE_SCHEME, docs),
    vscode.languages.registerDocumentLinkProvider({ scheme: DT_SCHEME }, docs),
    session.onDidRecordSteps(schedule),
    session.onDidChangeCursor(schedule),
    session.onDidChangeSystem(schedule),
  );

  const open = async (uri: vscode.Uri): Promise<string> => {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
    return uri.toString();
  };
  const notRunning = (): undefined => {
    void vscode.window.showWarningMessage(vscode.l10n.t('No simulation is running. Start one first.'));
    return undefined;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(DocumentCommands.showAsDt, async (arg?: DtArg) => {
      const system = session.displayed;
      if (!system) return notRunning();
      // The Job row of a process names the process: show the innermost job holding it.
      const jobOfPid = (pid: number): number | undefined => {
        const holding = system.queryJobs().filter((j) => j.processIds.includes(pid));
        return (holding.find((j) => !holding.some((c) => c.parentJobId === j.jobId)) ?? holding[0])?.jobId;
      };
      const target = dtTargetFromArg(arg, jobOfPid);
      if (!target) {
        void vscode.window.showErrorMessage(vscode.l10n.t('"Show as dt" needs an object: a process, thread, PEB, token, VAD, page frame, handle, job or control area.'));
        return undefined;
      }
      return open(dtUri(target, dtTitle(target, (pid) => system.queryProcess(pid)?.imageFileName)));
    }),
    vscode.commands.registerCommand(DocumentCommands.decodePte, async (arg?: { pid?: number; va?: bigint; address?: string }) => {
      const system = session.displayed;
      if (!system) return notRunning();
      let pid = arg?.pid;
      if (pid === undefined) {
        const picked = await vscode.window.showQuickPick(system.processIds.map((p) => ({ label: system.queryProcess(p)!.imageFileName, description: String(p), pid: p })),
          { title: vscode.l10n.t('Decode PTE'), placeHolder: vscode.l10n.t('Pick a process') });
        if (!picked) return undefined;
        pid = picked.pid;
      }
      if (typeof pid !== 'number' || !system.queryProcess(pid)) {
        void vscode.window.showErrorMessage(vscode.l10n.t('There is no process with id {0}.', String(pid)));
        return undefined;
      }
      let va: bigint | undefined = typeof arg?.va === 'bigint' ? arg.va : undefined;
      if (va === undefined && typeof arg?.address === 'string') {
        const r = parseAddress(arg.address);
        if (!r.ok) { void vscode.window.showErrorMessage(vscode.l10n.t('This address is not valid: {0}', arg.address)); return undefined; }
        va = r.value;
      }
      if (va === undefined) {
        va = await askParsed(parseAddress, { title: vscode.l10n.t('Decode PTE'), prompt: vscode.l10n.t('Virtual address: 0x7ff600000000, WinDbg style 00007ff6`00000000, or decimal'), value: hex(system.queryProcess(pid)!.peb) });
        if (va === undefined) return undefined;
      }
      return open(pteUri(pid, va));
    }),
  );
}

/** What "Show as dt" accepts: an argument object or a tree row (whose `kind` is the row's kind). */
interface DtArg { kind?: string; pid?: number; tid?: number; va?: bigint | string; pfn?: number; handle?: number; jobId?: number; controlArea?: number; index?: number }

function dtTitle(target: DtTarget, image: (pid: number) => string | undefined): string {
  switch (target.kind) {
    case 'pfn': return hex(target.pfn);
    case 'thread': return `${target.tid}`;
    case 'vad': return hex(target.va);
    case 'handle': return `${hex(target.handle)} ${image(target.pid) ?? ''} ${target.pid}`.replace(/\s+/g, ' ');
    case 'job': case 'jobLimits': case 'jobAccounting': return `job ${target.jobId}`;
    case 'controlArea': return `${target.controlArea}`;
    case 'layout': return layoutTitle(target.ref, image);
    default: return `${image(target.pid) ?? ''} ${target.pid}`.trim();
  }
}

/** The title of a followed structure: its owner's image name and id. */
function layoutTitle(ref: Extract<DtTarget, { kind: 'layout' }>['ref'], image: (pid: number) => string | undefined): string {
  const r = ref as { pid?: number; tid?: number; jobId?: number; index?: number; handle?: number; objectId?: number };
  if (ref.kind === 'CID_TABLE') return 'PspCidTable';
  if (r.objectId !== undefined) return `object ${r.objectId}`;
  if (r.pid !== undefined) return `${image(r.pid) ?? ''} ${r.pid}${r.index !== undefined ? ` #${r.index}` : ''}${r.handle !== undefined ? ` ${hex(r.handle)}` : ''}`.trim();
  if (r.tid !== undefined) return `${r.tid}`;
  return `job ${r.jobId ?? ''}`.trim();
}

function dtTargetFromArg(arg: DtArg | undefined, jobOfPid: (pid: number) => number | undefined): DtTarget | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const pid = typeof arg.pid === 'number' ? arg.pid : undefined;
  const jobId = typeof arg.jobId === 'number' ? arg.jobId : undefined;
  let va: bigint | undefined;
  if (typeof arg.va === 'bigint') va = arg.va;
  else if (typeof arg.va === 'string') { const r = parseAddress(arg.va); if (r.ok) va = r.value; }
  switch (arg.kind) {
    case 'process': case 'jobMember': return pid === undefined ? undefined : { kind: 'process', pid };
    case 'peb': return pid === undefined ? undefined : { kind: 'peb', pid };
    case 'token': return pid === undefined ? undefined : { kind: 'token', pid };
    case 'handles': return pid === undefined ? undefined : { kind: 'layout', ref: { kind: 'HANDLE_TABLE', pid } };
    case 'thread': return pid === undefined || typeof arg.tid !== 'number' ? undefined : { kind: 'thread', pid, tid: arg.tid };
    case 'vad': case 'wsle': return pid === undefined || va === undefined ? undefined : { kind: 'vad', pid, va };
    case 'pfn': return typeof arg.pfn === 'number' ? { kind: 'pfn', pfn: arg.pfn } : undefined;
    case 'handle': return pid === undefined || typeof arg.handle !== 'number' ? undefined : { kind: 'handle', pid, handle: arg.handle };
    case 'job': case 'jobObject': {
      const id = jobId ?? (pid === undefined ? undefined : jobOfPid(pid));
      return id === undefined ? undefined : { kind: 'job', jobId: id };
    }
    case 'jobLimits': case 'jobLimit': return jobId === undefined ? undefined : { kind: 'jobLimits', jobId };
    case 'jobAccounting': return jobId === undefined ? undefined : { kind: 'jobAccounting', jobId };
    case 'controlArea': case 'section': return typeof arg.controlArea === 'number' ? { kind: 'controlArea', controlArea: arg.controlArea } : undefined;
    // Heap nodes carry the structure's address (heap handle, segment base, block header).
    case 'heap': return pid === undefined || va === undefined ? undefined : { kind: 'layout', ref: { kind: 'HEAP', pid, index: Number(va) } };
    case 'heapSegment': return pid === undefined || va === undefined ? undefined : { kind: 'layout', ref: { kind: typeof arg.index === 'number' && arg.index > 0 ? 'HEAP_SEGMENT' : 'HEAP', pid, index: Number(va) } };
    case 'heapBlock': return pid === undefined || va === undefined ? undefined : { kind: 'layout', ref: { kind: 'HEAP_ENTRY', pid, index: Number(va) } };
    default: return undefined;
  }
}
