import * as vscode from 'vscode';
import type { System } from '../engine';
import { Commands } from './ids';
import { Disposable } from './lifecycle';
import { PAGE_SIZE } from './present/format';
import { availablePageCount, listLabel, listPageCount, type PageListName } from './present/names';
import type { SimulationSession } from './session';

const PAGES_PER_MB = (1024 * 1024) / PAGE_SIZE;
/** The lists the tooltip counts (the rarely populated no-write and bad lists are left to the Physical Memory view). */
const STATUS_LISTS: readonly PageListName[] = ['Zeroed', 'Free', 'Standby', 'Modified'];
const UPDATE_DEBOUNCE_MS = 50;

/**
 * Available memory and commit of the displayed state, as Task Manager would put it. Follows every
 * recorded step (debounced) and the time-travel cursor; warns when commit nears its limit.
 */
export class MemoryStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('ntlab.memory', vscode.StatusBarAlignment.Left, 10));
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly session: SimulationSession) {
    super();
    this.item.name = vscode.l10n.t('NT Lab memory');
    this.item.command = Commands.showMemoryLists;
    this._register(session.onDidChangeSystem(() => this.update(session.displayed)));
    this._register(session.onDidChangeCursor((e) => this.update(e.displayed)));
    this._register(session.onDidRecordSteps(() => this.schedule()));
    this._register({ dispose: () => { if (this.timer !== undefined) clearTimeout(this.timer); } });
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => { this.timer = undefined; this.update(this.session.displayed); }, UPDATE_DEBOUNCE_MS);
  }

  update(system: System | undefined): void {
    if (!system) { this.item.hide(); return; }
    const info = system.querySystemMemoryListInformation();
    const available = availablePageCount(info);
    const availableMB = Math.round(available / PAGES_PER_MB);
    const commit = system.queryCommit();
    const past = this.session.cursor;
    const icon = past === undefined ? '$(server)' : '$(history)';
    this.item.text = `${icon} ${vscode.l10n.t('Avail {0} MB · Commit {1}/{2} MB', availableMB,
      Math.round(commit.CommitTotal / PAGES_PER_MB), Math.round(commit.CommitLimit / PAGES_PER_MB))}`;
    const nearLimit = commit.CommitTotal > commit.CommitLimit * 0.9;
    const low = available < system.physicalPageCount * 0.05;
    this.item.backgroundColor = nearLimit || low ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const md = new vscode.MarkdownString([
      vscode.l10n.t('Simulated machine: available = zeroed + free + standby pages; commit charge against the commit limit (RAM + paging file).'),
      '',
      `| | |\n|---|---|`,
      ...STATUS_LISTS.map((list) => `| ${listLabel(vscode.l10n, list)} | ${listPageCount(info, list)} |`),
      `| ${vscode.l10n.t('Commit charge')} | ${commit.CommitTotal} / ${commit.CommitLimit} (${vscode.l10n.t('peak {0}', commit.CommitPeak)}) |`,
      '',
      past === undefined ? vscode.l10n.t('Showing the present.') : vscode.l10n.t('Showing the state after step {0} (time travel).', past),
      nearLimit ? `\n\n$(warning) ${vscode.l10n.t('Commit is near the limit: allocations will soon fail with ERROR_COMMITMENT_LIMIT.')}` : '',
      low ? `\n\n$(warning) ${vscode.l10n.t('Available memory is low: the balance set manager trims working sets.')}` : '',
    ].join('\n'), true);
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: this.item.text.replace(/\$\([^)]*\)\s*/g, '') };
    this.item.show();
  }
}
