// The console's line editor, apart from VS Code: turns the bytes a terminal sends (keys and VT100
// escape sequences) into edits of one line, history moves and actions (submit, complete, interrupt).
// Pure and synchronous so unit tests drive it key by key.

/** What the console does after a chunk of input. */
export type EditorAction =
  | { type: 'submit'; line: string }
  | { type: 'complete' }
  | { type: 'interrupt' }
  | { type: 'clear' };

const MAX_LINE = 1024;

export class LineEditor {
  text = '';
  cursor = 0;
  private historyIndex: number;
  private draft = '';

  constructor(readonly history: string[], private readonly maxHistory = 200) {
    this.historyIndex = history.length;
  }

  /** Applies one chunk of terminal input; returns what the console must do, in order. */
  input(data: string): EditorAction[] {
    const actions: EditorAction[] = [];
    let i = 0;
    while (i < data.length) {
      // eslint-disable-next-line no-control-regex -- VT100 escape sequences start with ESC
      const seq = /^\x1b(?:\[[0-9;]*[A-Za-z~]|O[A-Za-z])/.exec(data.slice(i, i + 16));
      if (seq) { this.escape(seq[0]); i += seq[0].length; continue; }
      const c = data[i]!;
      i++;
      switch (c) {
        case '\r': case '\n':
          if (c === '\n' && data[i - 2] === '\r') break; // \r\n is one Enter
          actions.push({ type: 'submit', line: this.submit() });
          break;
        case '\x7f': case '\b':
          if (this.cursor > 0) { this.text = this.text.slice(0, this.cursor - 1) + this.text.slice(this.cursor); this.cursor--; }
          break;
        case '\t': actions.push({ type: 'complete' }); break;
        case '\x03': actions.push({ type: 'interrupt' }); break;
        case '\x0c': actions.push({ type: 'clear' }); break;
        case '\x01': this.cursor = 0; break;
        case '\x05': this.cursor = this.text.length; break;
        case '\x15': this.text = this.text.slice(this.cursor); this.cursor = 0; break;
        case '\x1b': break;
        default:
          if (c >= ' ' && this.text.length < MAX_LINE) {
            this.text = this.text.slice(0, this.cursor) + c + this.text.slice(this.cursor);
            this.cursor++;
          }
      }
    }
    return actions;
  }

  private escape(seq: string): void {
    switch (seq) {
      case '\x1b[D': case '\x1bOD': this.cursor = Math.max(0, this.cursor - 1); break;
      case '\x1b[C': case '\x1bOC': this.cursor = Math.min(this.text.length, this.cursor + 1); break;
      case '\x1b[H': case '\x1bOH': case '\x1b[1~': this.cursor = 0; break;
      case '\x1b[F': case '\x1bOF': case '\x1b[4~': this.cursor = this.text.length; break;
      case '\x1b[3~': this.text = this.text.slice(0, this.cursor) + this.text.slice(this.cursor + 1); break;
      case '\x1b[A': case '\x1bOA': this.recall(-1); break;
      case '\x1b[B': case '\x1bOB': this.recall(1); break;
      default: break;
    }
  }

  private recall(delta: number): void {
    if (this.historyIndex === this.history.length) this.draft = this.text;
    const next = Math.max(0, Math.min(this.history.length, this.historyIndex + delta));
    if (next === this.historyIndex) return;
    this.historyIndex = next;
    this.text = next === this.history.length ? this.draft : this.history[next]!;
    this.cursor = this.text.length;
  }

  private submit(): string {
    const line = this.text;
    if (line.trim() && this.history[this.history.length - 1] !== line) {
      this.history.push(line);
      if (this.history.length > this.maxHistory) this.history.splice(0, this.history.length - this.maxHistory);
    }
    this.historyIndex = this.history.length;
    this.text = '';
    this.cursor = 0;
    this.draft = '';
    return line;
  }

  /** Replaces the text from `from` to the cursor (a completion). */
  replace(from: number, insert: string): void {
    this.text = (this.text.slice(0, from) + insert + this.text.slice(this.cursor)).slice(0, MAX_LINE);
    this.cursor = Math.min(this.text.length, from + insert.length);
  }

  /** The VT100 text that redraws the line after `prompt` with the cursor in place. */
  render(prompt: string): string {
    const back = this.text.length - this.cursor;
    return `\r\x1b[K${prompt}${this.text}${back > 0 ? `\x1b[${back}D` : ''}`;
  }
}
