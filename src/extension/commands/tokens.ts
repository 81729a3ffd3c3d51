// Action commands, one family: Tokens: run a program at Low integrity (duplicate the token, lower its label, CreateProcessAsUser).
import * as vscode from 'vscode';
import {
  TOKEN_QUERY, TOKEN_DUPLICATE, TOKEN_ADJUST_DEFAULT, TOKEN_ASSIGN_PRIMARY, TokenPrimary, SecurityImpersonation, TokenIntegrityLevel,
} from '../../engine';
import { Commands } from '../ids';
import { Cancelled, Invalid, KNOWN_IMAGES, lastError, type ActionLog, type Register } from './context';

export function registerTokenActions(register: Register, log: ActionLog): void {
  register(Commands.runLowIntegrity, async (system, args) => {
    const title = vscode.l10n.t('Run at Low Integrity');
    const creator = typeof args.pid === 'number' ? args.pid : system.processIds.find((p) => system.queryProcess(p)!.imageFileName.toLowerCase() === 'explorer.exe');
    if (creator === undefined || !system.queryProcess(creator)) return { ok: false, error: vscode.l10n.t('There is no process with id {0}.', String(args.pid ?? 'explorer.exe')) };
    let imagePath = args.imagePath;
    if (imagePath === undefined) {
      const picked = await vscode.window.showQuickPick(KNOWN_IMAGES.map((p) => ({ label: p.slice(p.lastIndexOf('\\') + 1), description: p, path: p })), { title, placeHolder: vscode.l10n.t('The image to run (CreateProcess lpApplicationName)') });
      if (!picked) throw new Cancelled();
      imagePath = picked.path;
    }
    if (typeof imagePath !== 'string' || !imagePath.trim()) throw new Invalid(vscode.l10n.t('"{0}" must be a non-empty string.', 'imagePath'));
    // The documented recipe: duplicate the own token, lower its mandatory label, CreateProcessAsUser.
    const api = system.win32(creator);
    const own = { value: 0 };
    if (!api.OpenProcessToken(api.GetCurrentProcess(), TOKEN_QUERY | TOKEN_DUPLICATE | TOKEN_ADJUST_DEFAULT | TOKEN_ASSIGN_PRIMARY, own)) return lastError(api, 'OpenProcessToken');
    const low = { value: 0 };
    try {
      if (!api.DuplicateTokenEx(own.value, 0, null, SecurityImpersonation, TokenPrimary, low)) return lastError(api, 'DuplicateTokenEx');
      if (!api.SetTokenInformation(low.value, TokenIntegrityLevel, { Label: { Sid: 'S-1-16-4096' } })) return lastError(api, 'SetTokenInformation');
      const info = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
      if (!api.CreateProcessAsUser(low.value, imagePath.trim(), null, false, 0, null, info)) return lastError(api, 'CreateProcessAsUser');
      api.CloseHandle(info.hProcess);
      api.CloseHandle(info.hThread);
      log.info(`OpenProcessToken, DuplicateTokenEx, SetTokenInformation(TokenIntegrityLevel, S-1-16-4096), CreateProcessAsUser(${imagePath.trim()}) = pid ${info.dwProcessId} [pid ${creator}]`);
      return { ok: true, pid: info.dwProcessId, tid: info.dwThreadId };
    } finally {
      if (low.value) api.CloseHandle(low.value);
      api.CloseHandle(own.value);
    }
  });
}
