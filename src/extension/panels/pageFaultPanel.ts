// The page-fault panel: one recorded fault in phases (trap, address split, walk, PTE state,
// resolution, PFN move, working-set insert, translation); the phases before the decision show the
// state before the fault, the rest the state after it, and the session cursor follows.
import * as vscode from 'vscode';
import type { System } from '../../engine';
import {
  CAUSABLE_FAULT_KINDS, FAULT_KINDS, MAX_SLICE, type AddressQueryView, type CausableFaultKind, type FaultKind, type FaultView,
  type PageFaultState, type PfSnapshotMessage,
} from '../../shared/protocol';
import type { SimulationSession } from '../session';
import { faultKindLabel } from './explain';
import { buildAddressQuery, buildFaultView, faultSummary } from './models';
import { hostL10n, notThisPanel, PanelBase, type PanelMessage } from './panelBase';
import type { RequestHandlers } from './channel';
import { causeFault } from './scenarios';
import { uiStrings } from './strings';

export const PAGE_FAULT_VIEW_TYPE = 'ntlab.pageFault';

export function defaultPageFaultState(): PageFaultState {
  return { panel: 'pageFault', seq: -1, phase: 0, filter: 'all', follow: false, speedMs: 1000 };
}

/** How many recent faults are searched for one at a given pid and page. */
const ADDRESS_SEARCH_LIMIT = 5000;

export class PageFaultPanel extends PanelBase<PageFaultState> {
  private view: { system: System; seq: number; fault: FaultView } | undefined;
  private pendingNotice: string | undefined;
  private query: AddressQueryView | undefined;

  constructor(panel: vscode.WebviewPanel, session: SimulationSession, extensionUri: vscode.Uri, state: PageFaultState) {
    super('pageFault', panel, session, extensionUri, state, vscode.l10n.t('Page Fault Steps'));
    if (state.seq >= 0 && !this.index?.isFault(state.seq)) this.state = { ...state, seq: -1, phase: 0 };
  }

  /** The fault shown, built once per selection (two past states: before and after). */
  get fault(): FaultView | undefined {
    const system = this.session.system;
    if (!system || this.state.seq < 0) return undefined;
    if (this.view && this.view.system === system && this.view.seq === this.state.seq) return this.view.fault;
    const fault = buildFaultView(system, this.state.seq, hostL10n);
    if (!fault) return undefined;
    this.view = { system, seq: this.state.seq, fault };
    return fault;
  }

  /** Shows the fault at `seq` from its first phase; the cursor moves to the state before it. */
  select(seq: number, phase = 0): void {
    if (!this.index?.isFault(seq)) return;
    this.state = { ...this.state, seq, phase: 0 };
    this.query = undefined;
    const fault = this.fault;
    if (!fault) return;
    this.state.phase = Math.min(phase, fault.phases.length - 1);
    this.moveCursor(fault.phases[this.state.phase]!.cursor);
    this.post(this.snapshot());
  }

  /** Moves to a phase of the current fault. */
  override goto(phase: number): void {
    const fault = this.fault;
    if (!fault) return;
    this.state = { ...this.state, phase: Math.min(phase, fault.phases.length - 1) };
    this.moveCursor(fault.phases[this.state.phase]!.cursor);
  }

  /** Opens on the newest fault of `kind`, or at an address (the newest fault there, else its walk). */
  show(args: { kind?: FaultKind; pid?: number; va?: string }): void {
    const index = this.index;
    if (!index) { this.post(this.snapshot()); return; }
    if (args.kind) this.state = { ...this.state, filter: args.kind };
    if (args.pid !== undefined && args.va !== undefined) {
      const system = this.session.system!;
      const page = BigInt(args.va) >> 12n;
      for (const seq of index.faults(this.state.filter, 0, ADDRESS_SEARCH_LIMIT)) {
        const step = system.getSteps(seq, seq + 1)[0]!;
        if (step.args.pid === args.pid && typeof step.args.va === 'bigint' && step.args.va >> 12n === page) { this.select(seq); return; }
      }
      this.state = { ...this.state, seq: -1, phase: 0 };
      this.query = buildAddressQuery(this.session.displayed ?? system, args.pid, BigInt(args.va), hostL10n);
      if (!this.query) this.pendingNotice = vscode.l10n.t('Process {0} does not exist.', args.pid);
      this.post(this.snapshot());
      return;
    }
    const latest = index.latestFault(this.state.filter);
    if (latest !== undefined) { this.select(latest); return; }
    this.state = { ...this.state, seq: -1, phase: 0 };
    this.pendingNotice = vscode.l10n.t('No {0} has been recorded yet. Press "Cause this fault" to make the simulation take one.', faultKindLabel(this.state.filter, hostL10n));
    this.post(this.snapshot());
  }

  protected snapshot(): PfSnapshotMessage {
    const system = this.session.system;
    const index = this.index;
    const counts = index?.faultCountsByKind() ?? new Map();
    const fault = this.fault;
    const message: PfSnapshotMessage = {
      type: 'pfSnapshot',
      strings: uiStrings(hostL10n),
      running: !!system,
      processes: system ? system.processIds.map((pid) => ({ pid, image: system.queryProcess(pid)?.imageFileName ?? '?' })) : [],
      kinds: FAULT_KINDS.map((kind) => ({ kind, label: faultKindLabel(kind, hostL10n), count: counts.get(kind) ?? 0 })),
      causable: CAUSABLE_FAULT_KINDS.map((kind) => ({ kind, label: faultKindLabel(kind, hostL10n) })),
      faultCount: index?.countFaults(this.state.filter) ?? 0,
      fault: fault ?? null,
      phase: fault ? Math.min(this.state.phase, fault.phases.length - 1) : 0,
      filter: this.state.filter,
      follow: this.state.follow,
      cursor: this.session.cursor ?? null,
      speedMs: this.state.speedMs,
    };
    if (this.pendingNotice) { message.notice = this.pendingNotice; this.pendingNotice = undefined; }
    if (this.query) message.query = this.query;
    return message;
  }

  private cause(kind: CausableFaultKind): void {
    const system = this.session.system;
    if (!system) return;
    this.busy = true;
    let result: ReturnType<typeof causeFault>;
    try { result = causeFault(system, kind); } finally { this.busy = false; }
    if ('seq' in result) {
      if (this.state.filter !== 'all' && this.state.filter !== kind) this.state = { ...this.state, filter: kind };
      this.select(result.seq);
    } else if ('unsupported' in result) {
      this.pendingNotice = vscode.l10n.t('The simulation does not model a {0} yet.', faultKindLabel(kind, hostL10n));
      this.post(this.snapshot());
    } else {
      this.pendingNotice = vscode.l10n.t('Could not cause the fault: {0}', result.failed);
      this.post(this.snapshot());
    }
  }

  protected requestHandlers(): RequestHandlers {
    return {
      listFaults: ({ filter, start, count }) => {
        const system = this.session.system;
        const index = this.index;
        if (!system || !index) return { total: 0, faults: [] };
        const seqs = index.faults(filter, start, Math.min(count, MAX_SLICE));
        const faults = seqs.map((seq) => faultSummary(system.getSteps(seq, seq + 1)[0]!, hostL10n));
        return { total: index.countFaults(filter), faults };
      },
      walkAddress: ({ pid, va }) => {
        const displayed = this.session.displayed;
        const query = displayed ? buildAddressQuery(displayed, pid, BigInt(va), hostL10n) : undefined;
        if (!query) throw new Error(vscode.l10n.t('Process {0} does not exist.', pid));
        return { query };
      },
      getCreationSteps: notThisPanel('getCreationSteps'),
      listCreations: notThisPanel('listCreations'),
    };
  }

  protected handle(m: PanelMessage): void {
    switch (m.type) {
      case 'selectFault':
        this.select(m.seq);
        return;
      case 'adjacentFault': {
        const next = this.index?.adjacentFault(this.state.seq < 0 ? (m.direction === 'previous' ? Number.MAX_SAFE_INTEGER : -1) : this.state.seq, m.direction, this.state.filter);
        if (next !== undefined) this.select(next);
        return;
      }
      case 'setFilter': {
        this.state = { ...this.state, filter: m.filter };
        const fault = this.fault;
        if (fault && (m.filter === 'all' || fault.kind === m.filter)) { this.post(this.snapshot()); return; }
        this.show({ kind: m.filter === 'all' ? undefined : m.filter });
        return;
      }
      case 'setFollow':
        this.state = { ...this.state, follow: m.follow };
        return;
      case 'causeFault':
        this.cause(m.kind);
        return;
      case 'selectCreation': case 'runCreateProcess':
        return; // process-creation panel messages: not meant for this panel
      default: {
        const never: never = m;
        throw new Error(`unhandled message ${(never as { type: string }).type}`);
      }
    }
  }

  protected onStepsRecorded(): void {
    if (this.state.follow) {
      const latest = this.index?.latestFault(this.state.filter);
      if (latest !== undefined && latest > this.state.seq) { this.select(latest); return; }
    }
    this.post(this.snapshot());
  }

  protected onSystemChanged(): void {
    this.traveling = false;
    this.view = undefined;
    this.query = undefined;
    this.state = { ...this.state, seq: -1, phase: 0 };
    if (this.session.system) this.show({});
    else this.post(this.snapshot());
  }

  protected onCursorChanged(): void {
    this.post({ type: 'position', index: this.state.phase, cursor: this.session.cursor ?? null });
  }

  protected reapplyCursor(): void {
    const fault = this.fault;
    if (fault) this.moveCursor(fault.phases[Math.min(this.state.phase, fault.phases.length - 1)]!.cursor);
  }
}
