import * as vscode from 'vscode';
import type { System } from '../engine';
import { Commands } from './ids';
import { Disposable } from './lifecycle';
import type { SimulationSession } from './session';

const PAGES_PER_MB = 256;

/** Available memory and commit of the simulated machine, as Task Manager would put it. */
export class MemoryStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('ntlab.memory', vscode.StatusBarAlignment.Left, 10));

  constructor(session: SimulationSession) {
    super();
    this.item.name = vscode.l10n.t('NT Lab memory');
    this.item.command = Commands.showMemoryLists;
    this._register(session.onDidChangeSystem((system) => this.update(system)));
  }

  update(system: System | undefined): void {
    if (!system) { this.item.hide(); return; }
    const info = system.querySystemMemoryListInformation();
    const standby = info.PageCountByPriority.reduce((a, b) => a + b, 0);
    const availableMB = Math.round((info.ZeroPageCount + info.FreePageCount + standby) / PAGES_PER_MB);
    const commit = system.queryCommit();
    this.item.text = `$(server) ${vscode.l10n.t('Avail {0} MB · Commit {1}/{2} MB', availableMB,
      Math.round(commit.CommitTotal / PAGES_PER_MB), Math.round(commit.CommitLimit / PAGES_PER_MB))}`;
    this.item.tooltip = vscode.l10n.t('Simulated machine: available = zeroed + free + standby pages; commit charge against the commit limit (RAM + paging file).');
    this.item.show();
  }
}
