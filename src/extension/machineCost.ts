// Before a machine is built from settings, a notes block (`reset 65536 MB`) or a session file: if
// the host cannot afford it, say what it will cost and ask (issue 19 item 10). The figures come
// from options.ts (estimateMachineCost); this is the dialog.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { DEFAULT_PHYSICAL_MEMORY_MB, type System, type SystemOptions } from '../engine';
import { estimateMachineCost, hostCanAfford, pagesInUse } from './options';

const MB = 1024 * 1024;
const mb = (bytes: number): string => Math.ceil(bytes / MB).toLocaleString();

/**
 * Resolves true when a machine with `options` may be built: the host can afford it, or the learner
 * said yes in a modal dialog that gives the cost. `running` (if any) measures the pages a boot touches.
 * `decision` answers without a dialog (tests and scripts).
 */
export async function confirmMachineSize(options: Pick<SystemOptions, 'physicalMemoryMB' | 'timeTravelMemoryMB'>, running?: System, decision?: 'build' | 'cancel'): Promise<boolean> {
  const cost = estimateMachineCost(options, running ? pagesInUse(running) : undefined);
  const host = { freeBytes: os.freemem(), totalBytes: os.totalmem() };
  if (hostCanAfford(cost, host)) return true;
  if (decision) return decision === 'build';
  const build = vscode.l10n.t('Build It');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('A simulated machine with {0} MB of RAM is large for this computer.', options.physicalMemoryMB ?? DEFAULT_PHYSICAL_MEMORY_MB),
    {
      modal: true,
      detail: vscode.l10n.t('Building it takes about {0} MB now ({1} MB of page records, {2} MB of page contents touched by boot); using all of its RAM takes {3} MB, and time travel may keep up to {4} MB more. This computer has {5} MB free of {6} MB.',
        mb(cost.upFrontBytes), mb(cost.pfnDatabaseBytes), mb(cost.touchedContentBytes), mb(cost.ramBytes), mb(cost.timeTravelBytes), mb(host.freeBytes), mb(host.totalBytes)),
    },
    build);
  return answer === build;
}
