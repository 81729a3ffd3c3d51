// "NT Lab: Open Kernel Debugger": a vscode.Pseudoterminal with WinDbg's `0: kd> ` prompt over the
// session. Line editing, history (persisted per workspace), Tab completion, Ctrl+C stopping a long
// listing (output is written in chunks), several consoles each following the session (reset, load,
// time travel), and a TerminalLinkProvider for addresses, PFNs, Cids and structure names.
import * as vscode from 'vscode';
import { Commands } from '../ids';
import type { SimulationSession } from '../session';
import { commonPrefix, complete } from './complete';
import { LineEditor } from './editor';
import { startKd, type KdState, type KdView } from './kd';
import { KdPrinter } from './printer';
import { findLinks, type KdLinkTarget } from './links';
import { KdTarget } from './target';

const HISTORY_KEY = 'ntlab.kd.history';
const PROMPT = '0: kd> ';
const TRANSCRIPT_CHARS = 200_000;

/** What "Open Kernel Debugger" resolves to: the terminal's name and what the console wrote (for tests and other extensions). */
export interface KernelDebuggerConsole {
  readonly name: string;
  /** The text written so far (the last 200,000 characters), escape sequences included. */
  transcript(): string;
  /** Fires after each write. */
  readonly onDidWrite: vscode.Event<string>;
  /** The terminal the console runs in (several consoles share one name). */
  readonly terminal: vscode.Terminal;
  /** The links the registered TerminalLinkProvider gives for one line of this console's output. */
  links(line: string): vscode.TerminalLink[];
  /** What clicking one of those links does (the provider's handleTerminalLink). */
  openLink(link: vscode.TerminalLink): void;
}

/** The consoles open now (a link knows its console by its terminal). */
const consoles = new Map<vscode.Terminal, KdConsole>();

class KdConsole implements vscode.Pseudoterminal {
  private readonly write = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.write.event;
  readonly state: KdState = {};
  private readonly editor: LineEditor;
  private printing: KdPrinter | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The last characters written (bounded), for the command's caller. */
  transcript = '';

  constructor(private readonly session: SimulationSession, private readonly memento: vscode.Memento) {
    const saved = memento.get<unknown>(HISTORY_KEY);
    this.editor = new LineEditor(Array.isArray(saved) ? saved.filter((x): x is string => typeof x === 'string').slice(-200) : []);
  }

  open(): void {
    this.out(`${vscode.l10n.t('NT Lab kernel debugger over the simulation (WinDbg syntax). Type .help for the commands; Ctrl+C stops a long listing.')}\r\n`);
    if (!this.session.system) this.out(`${vscode.l10n.t('No simulation is running. Start one first.')}\r\n`);
    this.subscriptions.push(this.session.onDidChangeSystem((s) => {
      this.state.pid = undefined;
      this.state.tid = undefined;
      this.state.next = undefined;
      this.notice(s ? vscode.l10n.t('The simulation was started, reset or loaded: the debugger now follows the new machine.') : vscode.l10n.t('No simulation is running. Start one first.'));
    }));
    this.prompt();
  }

  /** Called by VS Code when the terminal closes. */
  close(): void {
    for (const d of this.subscriptions) d.dispose();
    this.write.dispose();
  }

  handleInput(data: string): void {
    if (this.printing) {
      if (data.includes('\x03')) this.printing.interrupt();
      return;
    }
    for (const action of this.editor.input(data)) {
      switch (action.type) {
        // Redraw the whole line first: pasted or sent text arrives with its Enter in one chunk, before any echo.
        case 'submit': this.out(`\r\x1b[K${PROMPT}${action.line}\r\n`); this.execute(action.line); return;
        case 'interrupt': this.out('^C\r\n'); this.editor.text = ''; this.editor.cursor = 0; break;
        case 'clear': this.out('\x1b[2J\x1b[3J\x1b[H'); break;
        case 'complete': this.complete(); break;
      }
    }
    this.out(this.editor.render(PROMPT));
  }

  /** Runs a line as if typed (link clicks use it). */
  type(line: string): void {
    if (this.printing) return;
    this.out(`\r\x1b[K${PROMPT}${line}\r\n`);
    this.execute(line);
  }

  private view(): KdView | undefined {
    const live = this.session.system;
    const displayed = this.session.displayed;
    return live && displayed ? { system: displayed, live, cursor: this.session.cursor } : undefined;
  }

  private execute(line: string): void {
    void this.memento.update(HISTORY_KEY, this.editor.history.slice(-200));
    const view = this.view();
    if (!line.trim()) { this.prompt(); return; }
    if (!view) { this.out(`${vscode.l10n.t('No simulation is running. Start one first.')}\r\n`); this.prompt(); return; }
    const stream = startKd(view, this.state, line);
    const printer = new KdPrinter(stream, {
      now: () => performance.now(),
      schedule: (next) => { setTimeout(next, 0); },
      write: (chunk) => {
        if (chunk.clear) this.out('\x1b[2J\x1b[3J\x1b[H');
        if (chunk.lines.length) this.out(chunk.lines.map((l) => l + '\r\n').join(''));
      },
      finished: (interrupted, printed) => {
        // kd echoes ^C; the count of lines shown is the lab's own note.
        if (interrupted) this.out(`^C ${vscode.l10n.t('Command stopped after {0} lines.', printed)}\r\n`);
        this.printing = undefined;
        // The line ended (or was stopped): move the session if it travelled, then the prompt.
        if (stream.travel) {
          try { this.session.setCursor(stream.travel.seq); } catch { /* the trace moved on; the lines say where we tried to go */ }
        }
        this.prompt();
      },
    });
    this.printing = printer;
    printer.start();
  }

  private complete(): void {
    const view = this.view();
    if (!view) return;
    const { from, candidates } = complete(view, this.state, this.editor.text, this.editor.cursor);
    if (candidates.length === 0) return;
    const word = this.editor.text.slice(from, this.editor.cursor);
    if (candidates.length === 1) { this.editor.replace(from, candidates[0]! + ' '); return; }
    const prefix = commonPrefix(candidates);
    if (prefix.length > word.length) { this.editor.replace(from, prefix); return; }
    this.out(`\r\n${candidates.slice(0, 100).join('  ')}${candidates.length > 100 ? ' ...' : ''}\r\n`);
  }

  /** The process the console's commands act on (for links to plain addresses). */
  currentPid(): number | undefined {
    const view = this.view();
    return view ? new KdTarget(view, this.state).pid : undefined;
  }

  private notice(text: string): void {
    if (this.printing) return;
    this.out(`\r\x1b[K${text}\r\n`);
    this.out(this.editor.render(PROMPT));
  }

  private prompt(): void { this.out(this.editor.render(PROMPT)); }
  private out(text: string): void {
    this.transcript = (this.transcript + text).slice(-TRANSCRIPT_CHARS);
    this.write.fire(text);
  }
}

interface KdTerminalLink extends vscode.TerminalLink { target: KdLinkTarget; console: KdConsole }

function linkTooltip(t: KdLinkTarget): string {
  switch (t.kind) {
    case 'process': return vscode.l10n.t('Open the EPROCESS of process {0} as dt', t.pid);
    case 'thread': return vscode.l10n.t('Open the ETHREAD of thread {0} as dt', t.tid);
    case 'peb': return vscode.l10n.t('Open the PEB of process {0} as dt', t.pid);
    case 'pfn': return vscode.l10n.t('Reveal page frame {0} in the sidebar', `0x${t.pfn.toString(16)}`);
    case 'address': return vscode.l10n.t('Decode the PTE of {0}', `0x${t.va.toString(16)}`);
    case 'type': return vscode.l10n.t('Run dt {0}', t.name);
  }
}

export function registerKernelDebugger(context: vscode.ExtensionContext, session: SimulationSession): void {
  const links: vscode.TerminalLinkProvider<KdTerminalLink> = {
    provideTerminalLinks(ctx): KdTerminalLink[] {
      const console = consoles.get(ctx.terminal);
      const system = session.displayed;
      if (!console || !system) return [];
      const pid = console.currentPid() ?? 4;
      return findLinks(system, pid, ctx.line).map((l) => ({ startIndex: l.start, length: l.length, tooltip: linkTooltip(l.target), target: l.target, console }));
    },
    handleTerminalLink(link: KdTerminalLink): void {
      const t = link.target;
      switch (t.kind) {
        case 'process': void vscode.commands.executeCommand(Commands.showAsDt, { kind: 'process', pid: t.pid }); break;
        case 'thread': void vscode.commands.executeCommand(Commands.showAsDt, { kind: 'thread', pid: t.pid, tid: t.tid }); break;
        case 'peb': void vscode.commands.executeCommand(Commands.showAsDt, { kind: 'peb', pid: t.pid }); break;
        case 'pfn': void vscode.commands.executeCommand(Commands.reveal, { type: 'pfn', id: t.pfn }); break;
        case 'address': void vscode.commands.executeCommand(Commands.decodePte, { pid: t.pid, va: t.va }); break;
        case 'type': link.console.type(`dt ${t.name}`); break;
      }
    },
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.openKernelDebugger, (): KernelDebuggerConsole => {
      const pty = new KdConsole(session, context.workspaceState);
      const terminal = vscode.window.createTerminal({ name: vscode.l10n.t('NT Lab Kernel Debugger'), pty });
      consoles.set(terminal, pty);
      terminal.show();
      return {
        name: terminal.name, terminal, transcript: () => pty.transcript, onDidWrite: pty.onDidWrite,
        links: (line) => links.provideTerminalLinks({ terminal, line }, NEVER_CANCELLED) as KdTerminalLink[],
        openLink: (link) => links.handleTerminalLink(link as KdTerminalLink),
      };
    }),
    vscode.window.onDidCloseTerminal((t) => consoles.delete(t)),
    vscode.window.registerTerminalLinkProvider(links),
  );
}

const NEVER_CANCELLED: vscode.CancellationToken = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };
