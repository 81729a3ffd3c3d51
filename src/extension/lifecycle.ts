import type * as vscode from 'vscode';

/** Owns disposables so nothing registered is left unowned (STYLE.md §8). */
export abstract class Disposable implements vscode.Disposable {
  private readonly toDispose: vscode.Disposable[] = [];
  private disposed = false;

  protected _register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.toDispose.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.toDispose.length) this.toDispose.pop()!.dispose();
  }
}
