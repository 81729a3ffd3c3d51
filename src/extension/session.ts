import * as vscode from 'vscode';
import { createSystem, type System, type SystemOptions } from '../engine';
import { ContextKeys } from './ids';
import { Disposable } from './lifecycle';

/** Which step the learner is looking at: `undefined` = the live present. */
export interface CursorChange {
  /** The step being viewed, or undefined for the present. */
  readonly seq: number | undefined;
  /** The system to render: the live one, or a read-only past state (System.stateAt). */
  readonly displayed: System;
}

/**
 * The simulation of this window: created on demand, replaced on reset. Views render `displayed`,
 * which is the live system unless a stepping panel has moved the cursor to a past step.
 */
export class SimulationSession extends Disposable {
  private current: System | undefined;
  private cursorSeq: number | undefined;
  private past: System | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<System | undefined>());
  private readonly cursorChanged = this._register(new vscode.EventEmitter<CursorChange>());
  private readonly stepsRecorded = this._register(new vscode.EventEmitter<{ fromSeq: number; toSeq: number }>());
  private systemSubscription: { dispose(): void } | undefined;

  /** Fires when a system starts, is reset or stops. */
  readonly onDidChangeSystem = this.changed.event;
  /** Fires when the viewed step changes (a panel stepped, jumped or returned to the present). */
  readonly onDidChangeCursor = this.cursorChanged.event;
  /** Fires after every engine operation on the live system, with the steps it recorded. */
  readonly onDidRecordSteps = this.stepsRecorded.event;

  get system(): System | undefined {
    return this.current;
  }

  /** The system views should show: a past state while the cursor is on a step, else the live one. */
  get displayed(): System | undefined {
    return this.past ?? this.current;
  }

  get cursor(): number | undefined {
    return this.cursorSeq;
  }

  start(options: SystemOptions): System {
    return this.adopt(createSystem(options));
  }

  /** Makes `system` (e.g. one restored from a session file) the simulation of this window. */
  adopt(system: System): System {
    this.systemSubscription?.dispose();
    this.current = system;
    this.cursorSeq = undefined;
    this.past = undefined;
    this.systemSubscription = this.current.onDidChange((e) => {
      // Acting on the live system returns the views to the present.
      if (this.cursorSeq !== undefined) this.setCursor(undefined);
      this.stepsRecorded.fire(e);
    });
    void vscode.commands.executeCommand('setContext', ContextKeys.sessionActive, true);
    this.changed.fire(this.current);
    return this.current;
  }

  /** Moves the viewed state to right after step `seq` (undefined = the present). */
  setCursor(seq: number | undefined): void {
    const system = this.current;
    if (!system) return;
    if (seq !== undefined && (!Number.isInteger(seq) || seq < 0 || seq >= system.stepCount)) {
      throw new RangeError(`no step ${seq}`);
    }
    this.cursorSeq = seq === system.stepCount - 1 ? undefined : seq;
    this.past = this.cursorSeq === undefined ? undefined : system.stateAt(this.cursorSeq);
    this.cursorChanged.fire({ seq: this.cursorSeq, displayed: this.past ?? system });
  }

  override dispose(): void {
    this.systemSubscription?.dispose();
    this.current = undefined;
    this.past = undefined;
    super.dispose();
  }
}
