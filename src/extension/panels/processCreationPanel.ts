// The process-creation panel: one recorded CreateProcess as a timeline of stages and a list of
// steps; stepping moves the session cursor so the whole simulation shows the state after that step.
import * as vscode from 'vscode';
import { Win32Error } from '../../engine';
import {
  CREATION_STAGE_IDS, MAX_SLICE, type CreationFlowSummary, type CreationStageId, type HostToWebviewMessage, type PcSnapshotMessage,
  type ProcessCreationState,
} from '../../shared/protocol';
import type { RequestHandlers } from './channel';
import type { SimulationSession } from '../session';
import { creationStepView, flowSummary, imageOf, stageMarks } from './models';
import { hostL10n, notThisPanel, PanelBase, type PanelMessage } from './panelBase';
import { uiStrings } from './strings';
import type { CreationFlow } from './traceIndex';

export const PROCESS_CREATION_VIEW_TYPE = 'ntlab.processCreation';

export function defaultProcessCreationState(): ProcessCreationState {
  return { panel: 'processCreation', flowStart: 0, index: 0, speedMs: 1000 };
}

export class ProcessCreationPanel extends PanelBase<ProcessCreationState> {
  constructor(panel: vscode.WebviewPanel, session: SimulationSession, extensionUri: vscode.Uri, state: ProcessCreationState) {
    super('processCreation', panel, session, extensionUri, state, vscode.l10n.t('CreateProcess Steps'));
    this.normalize();
  }

  /** The flow shown: the one the state names, else the newest. */
  get flow(): CreationFlow | undefined {
    const index = this.index;
    if (!index) return undefined;
    return index.flowStartingAt(this.state.flowStart) ?? index.latestFlow;
  }

  /** The seq of the current step, if any. */
  get currentSeq(): number | undefined {
    const flow = this.flow;
    return flow ? flow.start + this.state.index : undefined;
  }

  /** Keeps the state pointing at an existing flow and step (after revival, a reset, new steps). */
  private normalize(): void {
    const flow = this.flow;
    if (!flow) { this.state = { ...this.state, flowStart: 0, index: 0 }; return; }
    const index = Math.min(Math.max(0, this.state.index), flow.end - flow.start - 1);
    this.state = { ...this.state, flowStart: flow.start, index };
  }

  /** Shows the newest CreateProcess at the first step of `stage` (or the next stage the engine recorded). */
  showStage(stage: CreationStageId | undefined): void {
    const flow = this.index?.latestFlow;
    if (!flow) { this.post(this.snapshot()); return; }
    let index = 0;
    if (stage) {
      const steps = this.session.system!.getSteps(flow.start, flow.end);
      const wanted = CREATION_STAGE_IDS.indexOf(stage);
      const i = steps.findIndex((s) => s.stage !== undefined && CREATION_STAGE_IDS.indexOf(s.stage) >= wanted);
      index = i >= 0 ? i : steps.length - 1;
    }
    this.state = { ...this.state, flowStart: flow.start, index };
    this.moveCursor(flow.start + index);
    this.post(this.snapshot());
  }

  /** Moves to step `index` of the current flow. */
  override goto(index: number): void {
    const flow = this.flow;
    if (!flow) return;
    this.state = { ...this.state, flowStart: flow.start, index: Math.min(index, flow.end - flow.start - 1) };
    this.moveCursor(flow.start + this.state.index);
  }

  protected snapshot(): PcSnapshotMessage {
    const system = this.session.system;
    const index = this.index;
    this.normalize();
    const flow = this.flow;
    const steps = system && flow ? system.getSteps(flow.start, flow.end) : [];
    return {
      type: 'pcSnapshot',
      strings: uiStrings(hostL10n),
      running: !!system,
      flow: flow ? flowSummary(flow, hostL10n) : null,
      flowCount: index?.flows.length ?? 0,
      stages: stageMarks(steps, hostL10n),
      index: this.state.index,
      cursor: this.session.cursor ?? null,
      speedMs: this.state.speedMs,
    };
  }

  protected requestHandlers(): RequestHandlers {
    return {
      getCreationSteps: ({ flowStart, start, end }) => {
        const system = this.session.system;
        const flow = this.index?.flowStartingAt(flowStart);
        if (!system || !flow) throw new Error(vscode.l10n.t('That CreateProcess is no longer recorded.'));
        const from = Math.min(flow.start + start, flow.end);
        const to = Math.min(flow.start + end, flow.end, from + MAX_SLICE);
        // How this creation was entered (its first step): the system's own processes come through RtlCreateUserProcess.
        const entry = system.getSteps(flow.start, flow.start + 1)[0]?.routine;
        const steps = system.getSteps(from, to).map((s) => creationStepView(s, s.seq - flow.start, hostL10n, (pid) => imageOf(system, pid), entry));
        return { flowStart: flow.start, steps };
      },
      listCreations: ({ start, count }) => {
        const flows = this.index?.flows ?? [];
        const slice: CreationFlowSummary[] = [];
        for (let i = flows.length - 1 - start; i >= 0 && slice.length < count; i--) slice.push(flowSummary(flows[i]!, hostL10n));
        return { total: flows.length, flows: slice };
      },
      listFaults: notThisPanel('listFaults'),
      walkAddress: notThisPanel('walkAddress'),
    };
  }

  protected handle(m: PanelMessage): void {
    const system = this.session.system;
    switch (m.type) {
      case 'selectCreation': {
        const flow = this.index?.flowStartingAt(m.flowStart);
        if (!flow) return;
        this.state = { ...this.state, flowStart: flow.start, index: 0 };
        this.moveCursor(flow.start);
        this.post(this.snapshot());
        return;
      }
      case 'runCreateProcess': {
        if (!system) return;
        this.busy = true;
        try {
          system.createProcess({ imagePath: m.imagePath.trim() });
        } catch (e) {
          const code = e instanceof Win32Error ? e.code : undefined;
          this.notice(vscode.l10n.t('CreateProcess failed: {0}', code !== undefined ? `Win32 error ${code}` : String(e)), 'error');
          return;
        } finally {
          this.busy = false;
        }
        this.showStage(undefined);
        return;
      }
      case 'selectFault': case 'adjacentFault': case 'setFilter': case 'setFollow': case 'causeFault':
        return; // page-fault panel messages: not meant for this panel
      default: {
        const never: never = m;
        throw new Error(`unhandled message ${(never as { type: string }).type}`);
      }
    }
  }

  protected onStepsRecorded(): void {
    this.post(this.snapshot());
  }

  protected onSystemChanged(): void {
    this.traveling = false;
    this.state = { ...this.state, flowStart: 0, index: 0 };
    this.normalize();
    this.post(this.snapshot());
  }

  protected onCursorChanged(): void {
    this.post({ type: 'position', index: this.state.index, cursor: this.session.cursor ?? null } satisfies HostToWebviewMessage);
  }

  protected reapplyCursor(): void {
    const seq = this.currentSeq;
    if (seq !== undefined && seq < this.session.system!.stepCount) this.moveCursor(seq);
  }
}
