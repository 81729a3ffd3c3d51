// Notes beside the simulation: CodeLens, hovers, quick fixes, diagnostics and runnable ```ntlab
// blocks in any markdown file, and follow mode (a stepping panel reveals the matching heading).
// Registration is cheap; the glossary index and recognition are built on first use.
import * as vscode from 'vscode';
import type { System } from '../../engine';
import { Commands, Settings, Views } from '../ids';
import { confirmMachineSize } from '../machineCost';
import { readSimulationOptions } from '../options';
import type { SimulationSession } from '../session';
import { DiagnosticsPass, type Finding } from './diagnose';
import { explainSelection, headingBindingComment, termBindingComment } from './explain';
import { entry, GLOSSARY, stepOf, type GlossaryEntry, type StepTarget } from './glossary';
import { kdCommandAt } from './kdlines';
import { COMMANDS, parseBlock, PROTECTIONS, THREADS } from './language';
import {
  currentPid, displayName, explanation, isChinese, kdSummary, liveValues, outcomeText, parseErrorMessage,
} from './messages';
import { headingForFault, headingForStage, recognize, recognizeInSlices, TermCache, termAt, type FencedBlock, type Recognition } from './recognize';
import { lineLimit, runDebuggerLine, runLimit, RunState, runStatementSteps, type Outcome, type RunHost, type RunLimit } from './run';
import { headingTargets, type LensTarget, type ProcessPart } from './targets';
import { SidebarCommands } from '../views/sidebar';
import type { KernelDebuggerConsole } from '../kd/terminal';

/** Commands of the notes quick actions (run from the light bulb; tests call them too). */
export const NotesCommands = {
  explainSelection: Commands.explainSelection,
  bindToConcept: Commands.bindToConcept,
} as const;

const GLOSSARY_IDS = new Set(GLOSSARY.map((e) => e.id));

/** Diagnostic codes (a test and the quick fix read them). */
export const NotesDiagnostic = {
  misspelling: 'ntlab.misspelling',
  openQuestion: 'ntlab.openQuestion',
  parse: 'ntlab.parse',
  run: 'ntlab.run',
  simulatedFact: 'ntlab.simulatedFact',
} as const;

const FAULT_ENTRY: Readonly<Record<string, string>> = {
  'fault.demandZero': 'DemandZero', 'fault.transition': 'TransitionFault', 'fault.pageFile': 'PageFileFault',
  'fault.prototype': 'PrototypePTE', 'fault.copyOnWrite': 'CopyOnWrite', 'fault.guardPage': 'GuardPage', 'fault.accessViolation': 'AccessViolation',
};

const isMarkdown = (doc: vscode.TextDocument): boolean => doc.languageId === 'markdown';

/**
 * Documents up to this many characters are recognized at once by whatever asks (a few milliseconds);
 * larger ones in slices between which the host yields (recognizeInSlices), so opening or editing a
 * 5 MB file never blocks the extension host for long (issue 19 item 1).
 */
const SYNC_CHARS = 256 * 1024;
/** How long the host works on notes (recognition, diagnostics, a Run) before it yields to its event loop. */
const SLICE_MS = 8;
/** Lines from the top whose headings and blocks get lenses when no editor shows the document. */
const UNSEEN_LENS_LINES = 1000;

/** Lets the extension host's event loop run (other providers, input) before the next slice. */
const yieldToHost = (): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Per-document state: the cached recognition, block variables, results and run diagnostics. */
interface NotesDoc {
  version: number;
  recognition: Recognition;
  /** Terms per line text, kept across versions: an edit recomputes only the lines it changed. */
  readonly cache: TermCache;
  readonly state: RunState;
  /** Next line to run per block (keyed by fence line) for "Step". */
  readonly cursor: Map<number, number>;
  /** Result text per line. */
  readonly results: Map<number, string>;
  /** The whole output of a debugger line run from the notes, per line (its hover shows it). */
  readonly kdOutputs: Map<number, string>;
  runDiagnostics: vscode.Diagnostic[];
}

export class NotesController implements vscode.Disposable {
  private readonly docs = new Map<string, NotesDoc>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('ntlab-notes');
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  private readonly resultDecoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
  });
  private readonly followDecoration = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    borderColor: new vscode.ThemeColor('focusBorder'),
    borderStyle: 'solid',
    borderWidth: '0 0 0 3px',
  });
  private readonly pendingDiagnostics = new Map<string, ReturnType<typeof setTimeout>>();
  /** Recognition being built in slices per document (one version at a time; a newer version replaces it). */
  private readonly builds = new Map<string, { readonly version: number; promise?: Promise<NotesDoc | undefined> }>();
  /** The running chunked diagnostics pass per document; a newer edit cancels it. */
  private readonly diagnosticsRuns = new Map<string, vscode.CancellationTokenSource>();
  private lensRefresh: ReturnType<typeof setTimeout> | undefined;
  /** Answers the "machine too large" question without a dialog (integration tests set it). */
  machineSizeDecision: 'build' | 'cancel' | undefined;
  /** Where follow mode last revealed: uri and line (tests read it). */
  lastFollow: { uri: string; line: number } | undefined;
  private lastFollowSeq: number | undefined;

  constructor(private readonly session: SimulationSession) {
    const md: vscode.DocumentSelector = { language: 'markdown' };
    this.disposables.push(
      this.diagnostics, this.lensesChanged, this.resultDecoration, this.followDecoration,
      vscode.languages.registerCodeLensProvider(md, { onDidChangeCodeLenses: this.lensesChanged.event, provideCodeLenses: (d) => this.codeLenses(d) }),
      vscode.languages.registerHoverProvider(md, { provideHover: (d, p) => this.hover(d, p) }),
      vscode.languages.registerCodeActionsProvider(md, { provideCodeActions: async (d, r, c) => [...await this.codeActions(d, c), ...await this.explainActions(d, r)] }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      vscode.commands.registerCommand(NotesCommands.explainSelection, (uri?: unknown, range?: unknown) => this.explainCommand(uri, range)),
      vscode.commands.registerCommand(NotesCommands.bindToConcept, (uri?: unknown, range?: unknown, entryId?: unknown) => this.bindCommand(uri, range, entryId)),
      vscode.languages.registerCompletionItemProvider(md, { provideCompletionItems: (d, p) => this.completions(d, p) }, ' ', '$'),
      vscode.commands.registerCommand(Commands.runNotesBlock, (uri?: unknown, fenceLine?: unknown) => this.runBlock(uri, fenceLine, 'all')),
      vscode.commands.registerCommand(Commands.stepNotesBlock, (uri?: unknown, fenceLine?: unknown) => this.runBlock(uri, fenceLine, 'step')),
      vscode.commands.registerCommand(Commands.runSystemThreadFromNotes, (thread?: unknown) => this.runSystemThread(thread)),
      vscode.commands.registerCommand(Commands.openNotesBeside, (uri?: unknown) => this.openBeside(uri)),
      vscode.commands.registerCommand(Commands.runKdFromNotes, (uri?: unknown, line?: unknown, command?: unknown) => this.runKdInPlace(uri, line, command)),
      vscode.commands.registerCommand(Commands.openKdWithLine, (command?: unknown) => this.openKdWithLine(command)),
      vscode.workspace.onDidOpenTextDocument((d) => this.scheduleDiagnostics(d)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!isMarkdown(e.document)) return;
        const nd = this.docs.get(e.document.uri.toString());
        if (nd && e.contentChanges.length) { nd.results.clear(); nd.kdOutputs.clear(); nd.cursor.clear(); nd.runDiagnostics = []; this.paintResults(); }
        this.scheduleDiagnostics(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const key = d.uri.toString();
        this.diagnosticsRuns.get(key)?.cancel();
        this.docs.delete(key);
        this.builds.delete(key);
        this.diagnostics.delete(d.uri);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.paintResults()),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => { if (isMarkdown(e.textEditor.document)) this.scheduleLensRefresh(); }),
      session.onDidChangeSystem(() => { this.lastFollowSeq = undefined; this.lensesChanged.fire(); }),
      session.onDidChangeCursor((e) => this.follow(e.seq)),
    );
    for (const d of vscode.workspace.textDocuments) this.scheduleDiagnostics(d);
  }

  dispose(): void {
    for (const t of this.pendingDiagnostics.values()) clearTimeout(t);
    for (const c of this.diagnosticsRuns.values()) { c.cancel(); c.dispose(); }
    clearTimeout(this.lensRefresh);
    while (this.disposables.length) this.disposables.pop()!.dispose();
  }

  /** Recognition of a document, cached per version, built now in one go (commands the user ran; tests). */
  notes(doc: vscode.TextDocument): NotesDoc {
    const nd = this.docs.get(doc.uri.toString());
    if (nd && nd.version === doc.version) return nd;
    const cache = nd?.cache ?? new TermCache();
    return this.install(doc, doc.version, recognize(doc.getText(), cache), cache);
  }

  /**
   * Recognition of the current version of a document for the providers (lenses, hovers, diagnostics):
   * a small document at once, a large one in slices of about SLICE_MS between which the host yields.
   * Callers asking for the same version share one build; a newer version or closing the document
   * abandons it (undefined).
   */
  notesReady(doc: vscode.TextDocument): Promise<NotesDoc | undefined> {
    const key = doc.uri.toString();
    const nd = this.docs.get(key);
    if (nd && nd.version === doc.version) return Promise.resolve(nd);
    const pending = this.builds.get(key);
    if (pending?.promise && pending.version === doc.version) return pending.promise;
    const text = doc.getText();
    if (text.length <= SYNC_CHARS) return Promise.resolve(this.notes(doc));
    const version = doc.version;
    const cache = nd?.cache ?? new TermCache();
    const slices = recognizeInSlices(text, cache);
    const build: { readonly version: number; promise?: Promise<NotesDoc | undefined> } = { version };
    this.builds.set(key, build);
    const current = (): boolean => this.builds.get(key) === build && !doc.isClosed && doc.version === version;
    const promise = (async (): Promise<NotesDoc | undefined> => {
      try {
        for (;;) {
          const started = Date.now();
          let r: Recognition | undefined;
          while (!(r = slices.step()) && Date.now() - started < SLICE_MS) { /* one slice */ }
          if (r) return current() ? this.install(doc, version, r, cache) : undefined;
          await yieldToHost();
          if (!current()) return undefined;
        }
      } finally {
        if (this.builds.get(key) === build) this.builds.delete(key);
      }
    })();
    build.promise = promise;
    return promise;
  }

  /** The notes of a document if its current version is recognized (or small enough to do now); else starts that and says undefined. */
  private readyNotes(doc: vscode.TextDocument): NotesDoc | undefined {
    const nd = this.docs.get(doc.uri.toString());
    if (nd && nd.version === doc.version) return nd;
    if (doc.getText().length <= SYNC_CHARS) return this.notes(doc);
    void this.notesReady(doc);
    return undefined;
  }

  private install(doc: vscode.TextDocument, version: number, recognition: Recognition, cache: TermCache): NotesDoc {
    const key = doc.uri.toString();
    let nd = this.docs.get(key);
    if (!nd) {
      nd = { version, recognition, cache, state: new RunState(), cursor: new Map(), results: new Map(), kdOutputs: new Map(), runDiagnostics: [] };
      this.docs.set(key, nd);
    } else {
      nd.version = version;
      nd.recognition = recognition;
    }
    return nd;
  }

  // ---- CodeLens ------------------------------------------------------------------------------

  private async codeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const nd = await this.notesReady(doc);
    if (!nd) return [];
    const lenses: vscode.CodeLens[] = [];
    // Headings and blocks near what is on screen (a heading's topic is found when first asked): a
    // 5 MB file of headings costs the lines in view, not the file. Scrolling asks again
    // (visibleRangesChanged); a document no editor shows gets the lenses of its first lines.
    const visible = mergedRanges(visibleLineRanges(doc, LENS_MARGIN_LINES) ?? [{ from: 0, to: UNSEEN_LENS_LINES }]);
    const { headings, blocks } = nd.recognition;
    // A heading's topic reads its words and its section's first lines: a screen of headings is
    // hundreds of them, so the work yields every SLICE_MS like the rest (and stops for a newer version).
    let started = Date.now();
    for (const v of visible) {
      for (let i = firstIndexAtOrAfter(headings, (h) => h.line, v.from); i < headings.length && headings[i]!.line < v.to; i++) {
        if (Date.now() - started >= SLICE_MS) {
          await yieldToHost();
          if (doc.isClosed || doc.version !== nd.version || nd.recognition.headings !== headings) return [];
          started = Date.now();
        }
        const h = headings[i]!;
        if (!h.entryId) continue;
        const range = new vscode.Range(h.line, 0, h.line, 0);
        for (const target of headingTargets(h.entryId)) lenses.push(new vscode.CodeLens(range, this.targetCommand(target, nd)));
      }
    }
    for (const v of visible) for (let i = firstIndexAtOrAfter(blocks, (b) => b.fenceLine, v.from); i < blocks.length && blocks[i]!.fenceLine < v.to; i++) {
      const b = blocks[i]!;
      const range = new vscode.Range(b.fenceLine, 0, b.fenceLine, 0);
      lenses.push(new vscode.CodeLens(range, { title: `$(run-all) ${vscode.l10n.t('Run all')}`, command: Commands.runNotesBlock, arguments: [doc.uri, b.fenceLine] }));
      const next = nd.cursor.get(b.fenceLine);
      const title = next === undefined ? vscode.l10n.t('Step line by line') : vscode.l10n.t('Step (line {0})', next + 1);
      lenses.push(new vscode.CodeLens(range, { title: `$(debug-step-over) ${title}`, command: Commands.stepNotesBlock, arguments: [doc.uri, b.fenceLine] }));
    }
    return lenses;
  }

  /** The command of a heading lens: a stepper, a node of the current process, or a whole view. */
  private targetCommand(target: LensTarget, nd: NotesDoc): vscode.Command {
    switch (target.kind) {
      case 'step': return stepCommand(target.step)!;
      case 'processPart': {
        const system = this.session.displayed;
        const pid = system ? currentPid(system, nd.state.currentPid) : undefined;
        return { title: `$(list-tree) ${partTitle(target.part)}`, command: SidebarCommands.revealPart, arguments: [pid === undefined ? { part: target.part } : { part: target.part, pid }] };
      }
      case 'view': {
        const title = target.view === 'physicalMemory' ? vscode.l10n.t('Open Physical Memory') : target.view === 'jobs' ? vscode.l10n.t('Open Jobs') : vscode.l10n.t('Open Sections');
        // VS Code registers `<view id>.focus` for every contributed view.
        return { title: `$(list-tree) ${title}`, command: `${Views[target.view]}.focus` };
      }
      default: { const never: never = target; return never; }
    }
  }

  // ---- Hover ---------------------------------------------------------------------------------

  private async hover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const kd = kdCommandAt(doc.lineAt(pos.line).text, pos.character);
    if (kd) return this.kdHover(doc, pos.line, kd);
    const nd = await this.notesReady(doc);
    if (!nd) return undefined;
    if (blockBodyAt(nd.recognition, pos.line)) return this.blockHover(doc, pos);
    const t = termAt(nd.recognition, pos.line, pos.character);
    const q = nd.recognition.questions.find((x) => x.line === pos.line && x.start <= pos.character && pos.character <= x.end);
    const id = t?.entryId ?? q?.entryId;
    if (!id) return undefined;
    const e = entry(id);
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [Commands.openProcessCreationPanel, Commands.openPageFaultPanel, Commands.startSession, Commands.runSystemThreadFromNotes] };
    if (t && !t.exact && t.suggestion) md.appendMarkdown(`${vscode.l10n.t('Did you mean **{0}**?', t.suggestion)}\n\n`);
    md.appendMarkdown(`**${displayName(e)}** — ${explanation(e)}\n\n`);
    const system = this.session.displayed;
    if (e.live && system) {
      const text = liveValues(e.live, system, currentPid(system, nd.state.currentPid));
      if (text) {
        md.appendMarkdown(`${vscode.l10n.t('In the simulation now:')}\n`);
        md.appendCodeblock(text, 'text');
      }
    } else if (e.live) {
      md.appendMarkdown(`[${vscode.l10n.t('Start the simulation')}](command:${Commands.startSession}) ${vscode.l10n.t('to see live values.')}\n\n`);
    }
    const step = stepCommand(stepOf(e));
    if (step) md.appendMarkdown(`[${step.title.replace(/^\$\([^)]*\)\s*/, '')}](command:${step.command}?${encodeURIComponent(JSON.stringify(step.arguments ?? []))})`);
    return new vscode.Hover(md, t ? new vscode.Range(t.line, t.start, t.line, t.end) : undefined);
  }

  /** A debugger command written in notes: run it here or in a kernel-debugger console; the output of the last run. */
  private kdHover(doc: vscode.TextDocument, line: number, kd: { command: string; start: number; end: number }): vscode.Hover {
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [Commands.runKdFromNotes, Commands.openKdWithLine] };
    md.appendCodeblock(`0: kd> ${kd.command}`, 'text');
    const output = this.docs.get(doc.uri.toString())?.kdOutputs.get(line);
    if (output !== undefined) md.appendCodeblock(output || vscode.l10n.t('(no output)'), 'text');
    const link = (command: string, args: unknown[]) => `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
    md.appendMarkdown(`[$(play) ${vscode.l10n.t('Run here')}](${link(Commands.runKdFromNotes, [doc.uri.toString(), line, kd.command])})`
      + ` · [$(debug-console) ${vscode.l10n.t('Run in the kernel debugger')}](${link(Commands.openKdWithLine, [kd.command])})`);
    return new vscode.Hover(md, new vscode.Range(line, kd.start, line, kd.end));
  }

  private blockHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const range = doc.getWordRangeAtPosition(pos, /[A-Za-z-]+/);
    if (!range) return undefined;
    const word = doc.getText(range).toLowerCase();
    const c = COMMANDS[word];
    if (!c || doc.lineAt(pos.line).text.slice(0, range.start.character).replace(/\$\w+\s*=\s*/, '').trim() !== '') return undefined;
    const md = new vscode.MarkdownString();
    md.appendCodeblock(c.synopsis, 'ntlab');
    md.appendMarkdown(isChinese() ? c.zh : c.en);
    return new vscode.Hover(md, range);
  }

  // ---- Quick fixes ---------------------------------------------------------------------------

  private async codeActions(doc: vscode.TextDocument, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    if (!context.diagnostics.some((d) => d.code === NotesDiagnostic.misspelling)) return actions;
    const nd = await this.notesReady(doc);
    if (!nd) return actions;
    for (const d of context.diagnostics) {
      if (d.code !== NotesDiagnostic.misspelling) continue;
      const t = termAt(nd.recognition, d.range.start.line, d.range.start.character);
      if (!t?.suggestion) continue;
      const action = new vscode.CodeAction(vscode.l10n.t('Change to {0}', t.suggestion), vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(doc.uri, d.range, t.suggestion);
      action.diagnostics = [d];
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }

  // ---- When recognition misses: explain a selection, bind a heading or a word ---------------

  private async explainActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection): Promise<vscode.CodeAction[]> {
    const nd = await this.notesReady(doc);
    if (!nd) return [];
    const r = nd.recognition;
    // A heading without a topic offers both (a recognized one needs neither: its lens is there).
    const heading = r.headings.find((h) => h.line === range.start.line && h.style !== 'stage' && !h.entryId);
    const selected = range.isEmpty || !range.isSingleLine ? '' : doc.getText(range).trim();
    if (!selected && !(heading && range.isEmpty)) return [];
    const what = selected || heading!.text;
    const target = selected ? range : doc.lineAt(range.start.line).range;
    const explain = new vscode.CodeAction(vscode.l10n.t('Explain "{0}" with the simulation', what), vscode.CodeActionKind.QuickFix);
    explain.command = { title: explain.title, command: NotesCommands.explainSelection, arguments: [doc.uri, target] };
    const bind = new vscode.CodeAction(selected ? vscode.l10n.t('Bind "{0}" to a concept…', what) : vscode.l10n.t('Bind this heading to a concept…'), vscode.CodeActionKind.QuickFix);
    bind.command = { title: bind.title, command: NotesCommands.bindToConcept, arguments: [doc.uri, selected ? range : undefined] };
    return [explain, bind];
  }

  private async rangeArgs(uriArg: unknown, rangeArg: unknown): Promise<{ doc: vscode.TextDocument; range: vscode.Range } | undefined> {
    const editor = vscode.window.activeTextEditor;
    const uri = uriArg instanceof vscode.Uri ? uriArg : editor?.document.uri;
    if (!uri) return undefined;
    const doc = await vscode.workspace.openTextDocument(uri);
    const range = rangeArg instanceof vscode.Range ? rangeArg : editor && editor.document === doc ? editor.selection : undefined;
    return range ? { doc, range } : undefined;
  }

  /** Shows what the simulation knows about the selected text (or the nearest concepts). Returns their ids (tests read them). */
  async explainCommand(uriArg: unknown, rangeArg: unknown): Promise<string[]> {
    const args = await this.rangeArgs(uriArg, rangeArg);
    if (!args) return [];
    const text = args.doc.getText(args.range).trim() || args.doc.lineAt(args.range.start.line).text;
    const entries = explainSelection(text);
    if (entries.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Nothing in the simulation matches "{0}".', text.slice(0, 80)));
      return [];
    }
    void vscode.window.showQuickPick(entries.map((e) => ({ label: displayName(e), detail: explanation(e), entry: e })), { title: vscode.l10n.t('What the simulation knows about "{0}"', text.slice(0, 80)), matchOnDetail: true })
      .then((picked) => {
        const step = picked && stepCommand(stepOf(picked.entry));
        if (step) void vscode.commands.executeCommand(step.command, ...(step.arguments ?? []));
      });
    return entries.map((e) => e.id);
  }

  /**
   * Binds the heading on the cursor's line, or the selected word, to a concept: an HTML comment at
   * the end of the line (invisible in any markdown viewer). `entryId` skips the picker (tests).
   */
  async bindCommand(uriArg: unknown, rangeArg: unknown, entryIdArg?: unknown): Promise<boolean> {
    const args = await this.rangeArgs(uriArg, rangeArg ?? vscode.window.activeTextEditor?.selection);
    if (!args) return false;
    const { doc, range } = args;
    const word = range.isEmpty || !range.isSingleLine ? '' : doc.getText(range).trim();
    const line = doc.lineAt(range.start.line);
    let entryId = typeof entryIdArg === 'string' && GLOSSARY_IDS.has(entryIdArg) ? entryIdArg : undefined;
    if (!entryId) {
      const nearest = explainSelection(word || line.text);
      const rest = GLOSSARY.filter((e) => !nearest.includes(e));
      const picked = await vscode.window.showQuickPick([...nearest, ...rest].map((e) => ({ label: displayName(e), description: e.id, detail: explanation(e), id: e.id })),
        { title: word ? vscode.l10n.t('Which concept does "{0}" mean?', word) : vscode.l10n.t('Which concept is this heading about?'), matchOnDescription: true });
      entryId = picked?.id;
    }
    if (!entryId) return false;
    const comment = word ? termBindingComment(word, entryId) : headingBindingComment(entryId);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, line.range.end, ` ${comment}`);
    const ok = await vscode.workspace.applyEdit(edit);
    if (ok) this.lensesChanged.fire();
    return ok;
  }

  // ---- Completion in ntlab blocks ------------------------------------------------------------

  private async completions(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    const nd = await this.notesReady(doc);
    if (!nd) return undefined;
    const block = nd.recognition.blocks.find((b) => pos.line > b.fenceLine && (pos.line < b.endLine || !b.closed));
    if (!block) return undefined;
    const before = doc.lineAt(pos.line).text.slice(0, pos.character);
    const words = before.replace(/^\s*\$\w+\s*=\s*/, '').trim().split(/\s+/).filter(Boolean);
    const atCommand = words.length === 0 || (words.length === 1 && !/\s$/.test(before));
    const items: vscode.CompletionItem[] = [];
    if (before.endsWith('$') || /\$\w*$/.test(before)) {
      for (const v of ['last', ...nd.state.vars.keys()]) {
        const item = new vscode.CompletionItem(`$${v}`, vscode.CompletionItemKind.Variable);
        item.insertText = v;
        items.push(item);
      }
      return items;
    }
    if (atCommand) {
      for (const [name, c] of Object.entries(COMMANDS)) {
        const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Keyword);
        item.detail = c.synopsis;
        item.documentation = isChinese() ? c.zh : c.en;
        items.push(item);
      }
      return items;
    }
    const command = words[0]!.toLowerCase();
    if (command === 'run') return Object.keys(THREADS).map((t) => new vscode.CompletionItem(t, vscode.CompletionItemKind.EnumMember));
    if (command === 'privilege') return [new vscode.CompletionItem('SeLockMemoryPrivilege', vscode.CompletionItemKind.Constant)];
    if (['alloc', 'protect', 'map'].includes(command)) {
      for (const p of Object.keys(PROTECTIONS).filter((k) => !k.startsWith('page_'))) items.push(new vscode.CompletionItem(p, vscode.CompletionItemKind.EnumMember));
      if (command === 'alloc') for (const k of ['reserve', 'commit', 'large', 'at']) items.push(new vscode.CompletionItem(k, vscode.CompletionItemKind.Keyword));
    }
    if (command === 'touch') items.push(new vscode.CompletionItem('write', vscode.CompletionItemKind.Keyword));
    if (command === 'free') items.push(new vscode.CompletionItem('decommit', vscode.CompletionItemKind.Keyword));
    if (command === 'process') for (const img of ['notepad.exe', 'calc.exe', 'cmd.exe']) items.push(new vscode.CompletionItem(img, vscode.CompletionItemKind.File));
    return items;
  }

  // ---- Diagnostics ---------------------------------------------------------------------------

  private scheduleDiagnostics(doc: vscode.TextDocument): void {
    if (!isMarkdown(doc) || doc.uri.scheme === 'output') return;
    const key = doc.uri.toString();
    clearTimeout(this.pendingDiagnostics.get(key));
    this.diagnosticsRuns.get(key)?.cancel();
    this.pendingDiagnostics.set(key, setTimeout(() => { this.pendingDiagnostics.delete(key); void this.refreshDiagnostics(doc); }, 150));
  }

  private scheduleLensRefresh(): void {
    clearTimeout(this.lensRefresh);
    this.lensRefresh = setTimeout(() => this.lensesChanged.fire(), 100);
  }

  /**
   * Recomputes the diagnostics of a document off the edit path: recognition (in slices for a large
   * file), then a DiagnosticsPass — the lines on screen first (shown at once), then the rest — in
   * slices of about SLICE_MS, yielding to the event loop between them. A newer edit, closing the
   * document or `token` cancels it. Resolves to the diagnostics set, or undefined when cancelled.
   */
  async refreshDiagnostics(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<vscode.Diagnostic[] | undefined> {
    if (doc.isClosed) return undefined;
    const key = doc.uri.toString();
    this.diagnosticsRuns.get(key)?.cancel();
    const run = new vscode.CancellationTokenSource();
    const outer = token?.onCancellationRequested(() => run.cancel());
    this.diagnosticsRuns.set(key, run);
    try {
      const version = doc.version;
      const stale = (): boolean => run.token.isCancellationRequested || doc.isClosed || doc.version !== version;
      const nd = await this.notesReady(doc);
      if (!nd || stale()) return undefined;
      const inView = visibleLineRanges(doc, 0) ?? [];
      const pass = new DiagnosticsPass(nd.recognition, inView);
      // With nothing on screen, nothing is shown before the whole pass is done.
      let shown = inView.length === 0;
      for (;;) {
        const started = Date.now();
        let complete = false;
        while (!(complete = pass.step()) && Date.now() - started < SLICE_MS && (shown || !pass.firstDone)) { /* one slice */ }
        if (complete) return this.publish(doc, nd, pass.findings);
        // The lines in view are shown at once; the rest when done.
        if (!shown && pass.firstDone) { shown = true; this.publish(doc, nd, pass.findings); }
        await yieldToHost();
        if (stale()) return undefined;
      }
    } finally {
      outer?.dispose();
      if (this.diagnosticsRuns.get(key) === run) this.diagnosticsRuns.delete(key);
      run.dispose();
    }
  }

  /** Recomputes the diagnostics of a whole document now, in one go (tests call it). */
  updateDiagnostics(doc: vscode.TextDocument): vscode.Diagnostic[] {
    if (doc.isClosed) return [];
    const nd = this.notes(doc);
    return this.publish(doc, nd, new DiagnosticsPass(nd.recognition).run());
  }

  private publish(doc: vscode.TextDocument, nd: NotesDoc, findings: readonly Finding[]): vscode.Diagnostic[] {
    const out = findings.map(toDiagnostic);
    out.push(...nd.runDiagnostics);
    this.diagnostics.set(doc.uri, out);
    return out;
  }

  // ---- Running blocks ------------------------------------------------------------------------

  private runHost(): RunHost {
    return {
      system: () => this.session.system,
      boot: (options) => this.session.start({ ...readSimulationOptions(vscode.workspace.getConfiguration(Settings.section)), ...options }),
    };
  }

  /** Runs a whole block or its next line. Returns the outcomes (tests read them). */
  async runBlock(uriArg: unknown, fenceArg: unknown, mode: 'all' | 'step'): Promise<Outcome[]> {
    const uri = uriArg instanceof vscode.Uri ? uriArg : typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : vscode.window.activeTextEditor?.document.uri;
    if (!uri) return [];
    const doc = await vscode.workspace.openTextDocument(uri);
    const nd = await this.notesReady(doc);
    if (!nd) return [];
    const fenceLine = typeof fenceArg === 'number' ? fenceArg : this.blockAtCursor(nd, doc)?.fenceLine;
    const block = nd.recognition.blocks.find((b) => b.fenceLine === fenceLine);
    if (!block) {
      void vscode.window.showWarningMessage(vscode.l10n.t('There is no ntlab block here.'));
      return [];
    }
    // A block too large to run is refused before it is parsed (issue 19: Run was unbounded).
    const tooLong = lineLimit(block.lines.length);
    if (tooLong) { void vscode.window.showWarningMessage(runLimitMessage(tooLong)); return []; }
    const { statements, errors } = parseBlock(block.lines);
    if (errors.length) {
      await this.refreshDiagnostics(doc);
      void vscode.window.showErrorMessage(vscode.l10n.t('The ntlab block has {0} error(s); see the Problems view.', errors.length));
      return [];
    }
    const host = this.runHost();
    let toRun = statements;
    if (mode === 'step') {
      const next = nd.cursor.get(block.fenceLine) ?? block.fenceLine + 1;
      toRun = statements.filter((s) => s.line >= next).slice(0, 1);
    }
    // `boot 65536 MB` / `reset 65536 MB`: ask before building a machine the host cannot afford.
    for (const s of toRun) {
      const c = s.command;
      if (c.op !== 'boot' || c.memoryMB === undefined || (!c.fresh && this.session.system)) continue;
      if (!(await confirmMachineSize({ physicalMemoryMB: c.memoryMB }, this.session.system, this.machineSizeDecision))) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Not run: the machine was not built.'));
        return [];
      }
    }
    const limit = runLimit(toRun);
    if (limit) { void vscode.window.showWarningMessage(runLimitMessage(limit)); return []; }
    if (mode === 'all' || (nd.cursor.get(block.fenceLine) ?? block.fenceLine + 1) === block.fenceLine + 1) this.clearBlock(nd, block);
    const outcomes: Outcome[] = [];
    const record = (o: Outcome): void => {
      outcomes.push(o);
      nd.results.set(o.line, outcomeText(o));
      if (o.result?.kind === 'kd') nd.kdOutputs.set(o.line, o.result.lines.join('\n'));
      if (o.error) {
        const d = new vscode.Diagnostic(doc.lineAt(o.line).range, outcomeText(o).replace(/^✗ /, ''), vscode.DiagnosticSeverity.Warning);
        d.code = NotesDiagnostic.run;
        d.source = 'ntlab';
        nd.runDiagnostics.push(d);
      }
    };
    // Statements run in slices of about SLICE_MS (a `touch` of many pages pauses inside itself); a
    // Run that outlasts the first slice shows its progress and can be cancelled between slices.
    let next = 0;
    let steps: Generator<void, Outcome, void> | undefined;
    const work = (token?: vscode.CancellationToken): boolean => {
      const started = Date.now();
      while (next < toRun.length) {
        if (token?.isCancellationRequested) return true;
        steps ??= runStatementSteps(toRun[next]!, host, nd.state);
        let r = steps.next();
        while (!r.done && Date.now() - started < SLICE_MS) r = steps.next();
        if (!r.done) return false;
        record(r.value);
        steps = undefined;
        next++;
        if (Date.now() - started >= SLICE_MS) return next >= toRun.length;
      }
      return true;
    };
    let cancelled = false;
    if (!work()) {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Running the ntlab block'), cancellable: true }, async (progress, token) => {
        for (;;) {
          progress.report({ message: vscode.l10n.t('line {0} of {1}', next + 1, toRun.length) });
          await yieldToHost();
          if (work(token)) break;
        }
        cancelled = token.isCancellationRequested && next < toRun.length;
      });
    }
    if (cancelled) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Run stopped after {0} of {1} lines; what ran stays in the simulation.', next, toRun.length));
      nd.cursor.delete(block.fenceLine);
    } else if (mode === 'step') {
      const last = toRun[toRun.length - 1];
      const after = last ? statements.find((s) => s.line > last.line) : undefined;
      if (after) nd.cursor.set(block.fenceLine, after.line);
      else nd.cursor.delete(block.fenceLine);
    } else nd.cursor.delete(block.fenceLine);
    this.paintResults();
    this.lensesChanged.fire();
    await this.refreshDiagnostics(doc);
    return outcomes;
  }

  private clearBlock(nd: NotesDoc, block: FencedBlock): void {
    for (const l of block.lines) { nd.results.delete(l.line); nd.kdOutputs.delete(l.line); }
    nd.runDiagnostics = nd.runDiagnostics.filter((d) => d.range.start.line <= block.fenceLine || d.range.start.line >= block.endLine);
  }

  private blockAtCursor(nd: NotesDoc, doc: vscode.TextDocument): FencedBlock | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document !== doc) return nd.recognition.blocks[0];
    const line = editor.selection.active.line;
    return nd.recognition.blocks.find((b) => line >= b.fenceLine && line <= b.endLine) ?? nd.recognition.blocks[0];
  }

  /** The result text shown after a line (tests read it). */
  resultAt(uri: vscode.Uri, line: number): string | undefined {
    return this.docs.get(uri.toString())?.results.get(line);
  }

  private paintResults(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const nd = this.docs.get(editor.document.uri.toString());
      const options: vscode.DecorationOptions[] = [];
      for (const [line, text] of nd?.results ?? []) {
        if (line >= editor.document.lineCount) continue;
        const end = editor.document.lineAt(line).range.end;
        options.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: text } } });
      }
      editor.setDecorations(this.resultDecoration, options);
    }
  }

  private runSystemThread(thread: unknown): string | undefined {
    const name = typeof thread === 'string' && Object.values(THREADS).includes(thread as never) ? (thread as 'zeroPageThread') : undefined;
    if (!name) return undefined;
    const system = this.session.system ?? this.runHost().boot({});
    const from = system.stepCount;
    system.runSystemThread(name);
    const steps = system.getSteps(from, system.stepCount);
    const routine = steps[0]?.routine ?? name;
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} ran ({1} steps)', routine, steps.length));
    return routine;
  }

  // ---- Debugger lines written in notes -------------------------------------------------------

  /**
   * Runs a debugger command written in notes against the session (started when none runs) and shows
   * its output after the line and in the line's hover. Resolves to the output (tests read it).
   */
  async runKdInPlace(uriArg: unknown, lineArg: unknown, commandArg: unknown): Promise<string | undefined> {
    const uri = uriArg instanceof vscode.Uri ? uriArg : typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : undefined;
    if (!uri || typeof lineArg !== 'number' || !Number.isInteger(lineArg) || lineArg < 0 || typeof commandArg !== 'string' || !commandArg.trim()) return undefined;
    const doc = await vscode.workspace.openTextDocument(uri);
    if (lineArg >= doc.lineCount) return undefined;
    if (!this.session.system) await vscode.commands.executeCommand(Commands.startSession);
    const system = this.session.system;
    if (!system) return undefined;
    const nd = await this.notesReady(doc);
    if (!nd) return undefined;
    const { lines } = runDebuggerLine(system, nd.state, commandArg);
    const output = lines.join('\n');
    nd.kdOutputs.set(lineArg, output);
    nd.results.set(lineArg, `→ ${kdSummary(lines)}`);
    this.paintResults();
    return output;
  }

  /** Opens a kernel-debugger console and types a command written in notes into it. Resolves to the console. */
  async openKdWithLine(commandArg: unknown): Promise<KernelDebuggerConsole | undefined> {
    if (typeof commandArg !== 'string' || !commandArg.trim()) return undefined;
    if (!this.session.system) await vscode.commands.executeCommand(Commands.startSession);
    const kd = await vscode.commands.executeCommand<KernelDebuggerConsole | undefined>(Commands.openKernelDebugger);
    if (!kd) return undefined;
    // The console writes its banner when VS Code opens it; input before that would be lost.
    if (!kd.transcript()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { sub.dispose(); resolve(); }, 5000);
        const sub = kd.onDidWrite(() => { clearTimeout(timer); sub.dispose(); resolve(); });
      });
    }
    const terminal = vscode.window.terminals.filter((t) => t.name === kd.name).pop();
    terminal?.sendText(commandArg.replace(/[\r\n]+/g, ' ').trim(), true);
    return kd;
  }

  // ---- Follow mode ---------------------------------------------------------------------------

  /** Reveals and highlights the heading that matches the step the cursor is on. */
  follow(seq: number | undefined): { uri: string; line: number } | undefined {
    // Reveal once per step: a panel that re-announces the same step must not fight the reader's scrolling.
    if (seq === undefined || seq === this.lastFollowSeq) return undefined;
    this.lastFollowSeq = seq;
    if (!vscode.workspace.getConfiguration(Settings.section).get<boolean>('notes.follow', true)) return undefined;
    const system: System | undefined = this.session.system;
    const step = system && seq < system.stepCount ? system.getSteps(seq, seq + 1)[0] : undefined;
    if (!step) return undefined;
    let found: { uri: string; line: number } | undefined;
    for (const editor of vscode.window.visibleTextEditors) {
      if (!isMarkdown(editor.document)) continue;
      // A large document still being recognized is skipped this time (its recognition is started).
      const r = this.readyNotes(editor.document)?.recognition;
      if (!r) continue;
      const heading = step.kind === 'processCreation' && step.stage ? headingForStage(r, step.stage)
        : step.kind === 'pageFault' ? headingForFault(r, FAULT_ENTRY[step.code]) : undefined;
      if (!heading) { editor.setDecorations(this.followDecoration, []); continue; }
      const range = new vscode.Range(heading.line, 0, heading.line, 0);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      editor.setDecorations(this.followDecoration, [range]);
      found ??= { uri: editor.document.uri.toString(), line: heading.line };
    }
    this.lastFollow = found;
    return found;
  }

  // ---- Open notes beside the simulation ------------------------------------------------------

  /** Opens a markdown file beside the simulation; returns its uri. */
  async openBeside(uriArg: unknown): Promise<string | undefined> {
    let uri = uriArg instanceof vscode.Uri ? uriArg : typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : undefined;
    const active = vscode.window.activeTextEditor?.document;
    if (!uri && active && isMarkdown(active)) uri = active.uri;
    if (!uri) {
      const files = await vscode.workspace.findFiles('**/*.md', '**/node_modules/**', 200);
      if (files.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No markdown notes found in this workspace.'));
        return undefined;
      }
      const picked = files.length === 1 ? { uri: files[0]! } : await vscode.window.showQuickPick(
        files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })), { placeHolder: vscode.l10n.t('Which notes should go beside the simulation?') });
      if (!picked) return undefined;
      uri = picked.uri;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    // The notes take the left group; the stepping panel opens beside them.
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    if (!this.session.system) await vscode.commands.executeCommand(Commands.startSession);
    const available = await vscode.commands.getCommands(true);
    if (available.includes(Commands.openProcessCreationPanel)) await vscode.commands.executeCommand(Commands.openProcessCreationPanel, {});
    this.scheduleDiagnostics(doc);
    return uri.toString();
  }
}

/** Lines above and below the screen whose headings get lenses (so a small scroll shows them at once). */
const LENS_MARGIN_LINES = 200;

/** The line ranges of `doc` on screen (widened by `margin`), or undefined when no editor shows it. */
function visibleLineRanges(doc: vscode.TextDocument, margin: number): Array<{ from: number; to: number }> | undefined {
  const ranges: Array<{ from: number; to: number }> = [];
  for (const editor of vscode.window.visibleTextEditors) {
    if (editor.document !== doc) continue;
    for (const r of editor.visibleRanges) ranges.push({ from: Math.max(0, r.start.line - margin), to: r.end.line + 1 + margin });
  }
  return ranges.length ? ranges : undefined;
}

/** Why a Run was refused, in the UI language. */
function runLimitMessage(limit: RunLimit): string {
  switch (limit.code) {
    case 'tooManyLines': return vscode.l10n.t('Not run: this block has {0} lines; Run takes blocks of up to {1} lines. Split it into smaller blocks.', limit.count, limit.max);
    case 'tooManyPages': return vscode.l10n.t('Not run: this block would touch or read {0} pages; one Run does up to {1}. Split it into smaller blocks.', limit.count, limit.max);
    case 'readTooLarge': return vscode.l10n.t('Not run: line {0} reads {1} bytes; a read shows up to {2} bytes.', limit.line + 1, limit.count, limit.max);
    default: { const never: never = limit; return never; }
  }
}

/** Line ranges sorted and merged where they overlap (so no line is visited twice). */
function mergedRanges(ranges: ReadonlyArray<{ from: number; to: number }>): Array<{ from: number; to: number }> {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out: Array<{ from: number; to: number }> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else out.push({ from: r.from, to: r.to });
  }
  return out;
}

/** The first index of a list sorted by `key` whose key is >= `v` (binary search). */
function firstIndexAtOrAfter<T>(list: readonly T[], key: (x: T) => number, v: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (key(list[mid]!) < v) lo = mid + 1; else hi = mid; }
  return lo;
}

/** The ntlab block whose body holds a line (binary search over the blocks; body lines follow the fence). */
function blockBodyAt(r: Recognition, line: number): FencedBlock | undefined {
  const b = r.blocks[firstIndexAtOrAfter(r.blocks, (x) => x.fenceLine, line) - 1];
  return b && b.lines[line - b.fenceLine - 1]?.line === line ? b : undefined;
}

/** A finding as a diagnostic, in the UI language. */
function toDiagnostic(f: Finding): vscode.Diagnostic {
  let d: vscode.Diagnostic;
  switch (f.kind) {
    case 'misspelling':
      d = new vscode.Diagnostic(new vscode.Range(f.line, f.start, f.line, f.end),
        vscode.l10n.t('"{0}" looks like {1}. Did you mean {1}?', f.text, f.suggestion), vscode.DiagnosticSeverity.Information);
      d.code = NotesDiagnostic.misspelling;
      d.source = 'NT Lab';
      return d;
    case 'openQuestion': {
      const e = entry(f.entryId);
      d = new vscode.Diagnostic(new vscode.Range(f.line, f.start, f.line, f.end),
        vscode.l10n.t('Open question: the simulation shows this as {0}. {1}', displayName(e), explanation(e)), vscode.DiagnosticSeverity.Information);
      d.code = NotesDiagnostic.openQuestion;
      d.source = 'NT Lab';
      return d;
    }
    case 'parse':
      d = new vscode.Diagnostic(new vscode.Range(f.error.line, f.error.start, f.error.line, f.error.end), parseErrorMessage(f.error), vscode.DiagnosticSeverity.Error);
      d.code = NotesDiagnostic.parse;
      d.source = 'ntlab';
      return d;
    case 'simulatedFact':
      d = new vscode.Diagnostic(new vscode.Range(f.line, f.start, f.line, f.end),
        vscode.l10n.t('In the simulation, a {0} MB large-page allocation is made of {1} x 1 GB page(s) and {2} x 2 MB page(s) (1 GB pages first, then 2 MB pages).', f.requestMB, f.hugePages, f.largePages),
        vscode.DiagnosticSeverity.Information);
      d.code = NotesDiagnostic.simulatedFact;
      d.source = 'NT Lab';
      return d;
    default: { const never: never = f; return never; }
  }
}

/** The title of a lens that reveals a part of the current process. */
function partTitle(part: ProcessPart): string {
  switch (part) {
    case 'process': return vscode.l10n.t('Show in sidebar');
    case 'threads': return vscode.l10n.t('Show threads');
    case 'handles': return vscode.l10n.t('Show handles');
    case 'addressSpace': return vscode.l10n.t('Show address space');
    case 'workingSet': return vscode.l10n.t('Show working set');
    case 'peb': return vscode.l10n.t('Show PEB');
    case 'token': return vscode.l10n.t('Show token');
    case 'job': return vscode.l10n.t('Show job');
    default: { const never: never = part; return never; }
  }
}

/** "Step through": which command opens which panel where. */
export function stepCommand(target: StepTarget | undefined): vscode.Command | undefined {
  if (!target) return undefined;
  switch (target.panel) {
    case 'processCreation':
      return { title: `$(debug-step-over) ${vscode.l10n.t('Step through')}`, command: Commands.openProcessCreationPanel, arguments: [target.stage ? { stage: target.stage } : {}] };
    case 'pageFault':
      return { title: `$(debug-step-over) ${vscode.l10n.t('Step through')}`, command: Commands.openPageFaultPanel, arguments: [target.kind ? { kind: target.kind } : {}] };
    case 'systemThread':
      return { title: `$(play) ${vscode.l10n.t('Run in the simulation')}`, command: Commands.runSystemThreadFromNotes, arguments: [target.thread] };
    default: { const never: never = target; return never; }
  }
}

/** Registers the notes features; returns the controller (the extension API exposes it to tests). */
export function registerNotes(context: vscode.ExtensionContext, session: SimulationSession): NotesController {
  const controller = new NotesController(session);
  context.subscriptions.push(controller);
  return controller;
}

export type { GlossaryEntry };
