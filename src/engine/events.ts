/** A disposable subscription, shaped like vscode.Disposable. */
export interface IDisposable { dispose(): void }
/** A subscribable event, shaped like vscode.Event so the host can pass it through. */
export type Event<T> = (listener: (e: T) => void) => IDisposable;

/** The engine's own tiny emitter (no vscode in the engine). */
export class Emitter<T> {
  private listeners: Array<(e: T) => void> = [];
  readonly event: Event<T> = (listener) => {
    this.listeners.push(listener);
    return { dispose: () => { this.listeners = this.listeners.filter((l) => l !== listener); } };
  };
  fire(e: T): void {
    for (const l of this.listeners.slice()) l(e);
  }
  get hasListeners(): boolean { return this.listeners.length > 0; }
}
