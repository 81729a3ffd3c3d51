import * as vscode from 'vscode';
import { createSystem, type System, type SystemOptions } from '../engine';
import { ContextKeys } from './ids';
import { Disposable } from './lifecycle';

/** The simulation of this window: created on demand, replaced on reset. */
export class SimulationSession extends Disposable {
  private current: System | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<System | undefined>());
  /** Fires when a system starts, is reset or stops. */
  readonly onDidChangeSystem = this.changed.event;

  get system(): System | undefined {
    return this.current;
  }

  start(options: SystemOptions): System {
    this.current = createSystem(options);
    void vscode.commands.executeCommand('setContext', ContextKeys.sessionActive, true);
    this.changed.fire(this.current);
    return this.current;
  }

  override dispose(): void {
    this.current = undefined;
    super.dispose();
  }
}
