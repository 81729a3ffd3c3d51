// Save and load a simulation to and from a versioned `.ntlab.json` file (options + operation log,
// replayed on load: src/engine/session/serialize.ts). Both run in chunks under a cancellable
// progress notification, so a 370k-step session does not freeze the window (issue 19 item 11). A corrupt or newer file gets a clear error and
// the running simulation is left as it was; an unsaved session is offered for saving before another
// replaces it.
import * as vscode from 'vscode';
import type { System } from '../../engine';
import { parseSessionText, restoreSessionInChunks, serializeSession, SESSION_MACHINE_LIMITS, SessionFileError, type SessionFile } from '../../engine';
import { runInChunks, sessionTextInChunks, type ChunkProgress } from '../chunked';
import { confirmMachineSize } from '../machineCost';
import { Commands } from '../ids';
import type { SimulationSession } from '../session';

export const SessionFileCommands = {
  save: Commands.saveSession,
  load: Commands.loadSession,
} as const;

/** Steps each system had when it was last saved or adopted; more steps = unsaved work. */
const savedAt = new WeakMap<System, number>();

export function isUnsaved(system: System | undefined): boolean {
  return !!system && system.stepCount > (savedAt.get(system) ?? system.stepCount);
}

/** The file text: top-level fields readable, one operation per line. */
export function sessionText(file: SessionFile): string {
  const { ops, ...head } = file;
  const work = sessionTextInChunks(head, ops, Infinity);
  for (let r = work.next(); ; r = work.next()) if (r.done) return r.value;
}

/** Operations replayed per event-loop turn when a session loads (a few tens of milliseconds of work). */
const REPLAY_CHUNK = 1000;

/**
 * Runs chunked work under a cancellable progress notification. Resolves to its result, or undefined
 * when the learner cancelled.
 */
function withChunkedProgress<T>(title: string, work: Generator<ChunkProgress, T, void>, unit: (p: ChunkProgress) => string): Promise<T | undefined> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    let reported = 0;
    return runInChunks(work, {
      isCancelled: () => token.isCancellationRequested,
      onProgress: (p) => {
        const percent = p.total ? (p.done / p.total) * 100 : 0;
        progress.report({ increment: percent - reported, message: unit(p) });
        reported = percent;
      },
    });
  }));
}

function toUri(arg: unknown): vscode.Uri | undefined | 'invalid' {
  if (arg === undefined || arg === null) return undefined;
  if (arg instanceof vscode.Uri) return arg;
  const o = typeof arg === 'object' ? (arg as Record<string, unknown>) : { path: arg };
  if (typeof o.uri === 'string') { try { return vscode.Uri.parse(o.uri, true); } catch { return 'invalid'; } }
  if (typeof o.path === 'string' && o.path.trim()) return vscode.Uri.file(o.path);
  if (o.uri === undefined && o.path === undefined) return undefined;
  return 'invalid';
}

const FILTERS = (): Record<string, string[]> => ({ [vscode.l10n.t('NT Lab session')]: ['json'] });

async function save(system: System, uri?: vscode.Uri): Promise<string | undefined> {
  const target = uri ?? await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Save Simulation Session'), filters: FILTERS(),
    defaultUri: vscode.workspace.workspaceFolders?.[0] ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'session.ntlab.json') : undefined,
  });
  if (!target) return undefined;
  const stepCount = system.stepCount;
  const { ops, ...head } = serializeSession(system);
  const text = await withChunkedProgress(vscode.l10n.t('Saving the simulation session'), sessionTextInChunks(head, ops),
    (p) => vscode.l10n.t('{0} of {1} operations', p.done, p.total));
  if (text === undefined) return undefined; // cancelled: nothing written
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  savedAt.set(system, stepCount);
  return target.toString();
}

/**
 * Before the running session is replaced: offers to save unsaved work. Resolves false when the user
 * cancels (nothing should be replaced). `decision` lets tests and scripts answer without a dialog.
 */
export async function confirmReplace(session: SimulationSession, decision?: 'save' | 'discard'): Promise<boolean> {
  const system = session.system;
  if (!isUnsaved(system)) return true;
  if (decision === 'discard') return true;
  if (decision !== 'save') {
    const saveLabel = vscode.l10n.t('Save');
    const discard = vscode.l10n.t("Don't Save");
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('The running simulation has {0} steps that are not saved. Save it before it is replaced?', system!.stepCount - (savedAt.get(system!) ?? 0)),
      { modal: true }, saveLabel, discard);
    if (answer === undefined) return false;
    if (answer === discard) return true;
  }
  return (await save(system!)) !== undefined;
}

export function registerSessionFiles(context: vscode.ExtensionContext, session: SimulationSession, log: { info(m: string): void; error(m: string): void }): void {
  // A session counts as saved at the moment it is started, loaded or reset.
  if (session.system) savedAt.set(session.system, session.system.stepCount);
  context.subscriptions.push(
    session.onDidChangeSystem((system) => { if (system && !savedAt.has(system)) savedAt.set(system, system.stepCount); }),

    vscode.commands.registerCommand(SessionFileCommands.save, async (arg?: unknown) => {
      const system = session.system;
      if (!system) { void vscode.window.showWarningMessage(vscode.l10n.t('No simulation is running. Start one first.')); return undefined; }
      const uri = toUri(arg);
      if (uri === 'invalid') { void vscode.window.showErrorMessage(vscode.l10n.t('Expected a file path or URI.')); return undefined; }
      try {
        const where = await save(system, uri);
        if (where) log.info(vscode.l10n.t('Saved the session ({0} steps) to {1}.', system.stepCount, where));
        return where;
      } catch (e) {
        const message = vscode.l10n.t('Could not save the session: {0}', e instanceof Error ? e.message : String(e));
        log.error(message);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    }),

    vscode.commands.registerCommand(SessionFileCommands.load, async (arg?: unknown) => {
      const given = toUri(arg);
      if (given === 'invalid') { void vscode.window.showErrorMessage(vscode.l10n.t('Expected a file path or URI.')); return { ok: false, error: 'invalid argument' }; }
      const uri = given ?? (await vscode.window.showOpenDialog({ title: vscode.l10n.t('Load Simulation Session'), filters: FILTERS(), canSelectMany: false }))?.[0];
      if (!uri) return undefined;
      const decision = (arg as { unsaved?: 'save' | 'discard' } | undefined)?.unsaved;
      let system: System;
      try {
        const bytes = await vscode.workspace.fs.readFile(uri);
        const data = parseSessionText(new TextDecoder().decode(bytes));
        const options = (data as { options?: { physicalMemoryMB?: unknown; timeTravelMemoryMB?: unknown } } | null)?.options;
        const physicalMemoryMB = typeof options?.physicalMemoryMB === 'number' ? options.physicalMemoryMB : undefined;
        const timeTravelMemoryMB = typeof options?.timeTravelMemoryMB === 'number' ? options.timeTravelMemoryMB : undefined;
        const sizeDecision = (arg as { machineSize?: 'build' | 'cancel' } | undefined)?.machineSize;
        if (!(await confirmMachineSize({ physicalMemoryMB, timeTravelMemoryMB }, session.system, sizeDecision))) return undefined;
        // The size was confirmed (or is affordable): the engine may build up to it, beyond its own session maximum.
        const limits = { maxPhysicalMemoryMB: Math.max(SESSION_MACHINE_LIMITS.physicalMemoryMB, physicalMemoryMB ?? 0) };
        const restored = await withChunkedProgress(vscode.l10n.t('Loading the simulation session'), restoreSessionInChunks(data, REPLAY_CHUNK, limits),
          (p) => vscode.l10n.t('{0} of {1} operations replayed', p.done, p.total));
        if (!restored) return { ok: false, cancelled: true };
        system = restored;
      } catch (e) {
        const error = e instanceof SessionFileError && e.reason === 'newer'
          ? vscode.l10n.t('{0} was saved by a newer version of NT Lab ({1}). Update the extension to open it; the running simulation is unchanged.', uri.fsPath || uri.toString(), e.message)
          : e instanceof SessionFileError && e.reason === 'tooLarge'
            ? vscode.l10n.t('{0} asks for a larger machine than NT Lab builds from a session file ({1}). The running simulation is unchanged.', uri.fsPath || uri.toString(), e.message)
          : e instanceof SessionFileError && e.reason === 'mismatch'
            ? vscode.l10n.t('{0} does not replay to the state it recorded ({1}); it was probably saved by another version of the simulation. The running simulation is unchanged.', uri.fsPath || uri.toString(), e.message)
            : vscode.l10n.t('{0} is not a valid NT Lab session: {1}. The running simulation is unchanged.', uri.fsPath || uri.toString(), e instanceof Error ? e.message : String(e));
        log.error(error);
        void vscode.window.showErrorMessage(error);
        return { ok: false, error, reason: e instanceof SessionFileError ? e.reason : 'io' };
      }
      if (!(await confirmReplace(session, decision))) return undefined;
      savedAt.set(system, system.stepCount);
      session.adopt(system);
      log.info(vscode.l10n.t('Loaded the session from {0}: {1} processes, {2} steps.', uri.fsPath || uri.toString(), system.processCount, system.stepCount));
      return { ok: true, steps: system.stepCount, processes: system.processCount };
    }),
  );
}
