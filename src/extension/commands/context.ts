// What every action command shares: its argument object and result, the Cancelled / Invalid
// outcomes, and the helpers that take a field from the arguments or ask for it (input boxes that
// validate as you type, the process picker).
import * as vscode from 'vscode';
import {
  CREATE_SUSPENDED, DEBUG_PROCESS, CREATE_NEW_CONSOLE, IDLE_PRIORITY_CLASS, BELOW_NORMAL_PRIORITY_CLASS, ABOVE_NORMAL_PRIORITY_CLASS,
  HIGH_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS, CREATE_NO_WINDOW, DETACHED_PROCESS, type System, type Win32Api,
} from '../../engine';
import { hex } from '../present/format';
import { win32ErrorText } from '../present/names';
import type { ParseResult } from './parse';
import { askParsed, parseErrorMessage } from './validation';

export type ActionResult = ({ ok: true } & Record<string, unknown>) | { ok: false; error: string; code?: number };

/** Argument fields a command reads; tree nodes carry pid/va/pfn too. */
export type Args = Record<string, unknown>;

/** The body of one action command: resolves to its result, or throws Cancelled / Invalid / an engine error. */
export type ActionBody = (system: System, args: Args) => Promise<ActionResult> | ActionResult;

/** Registers one action command (commands/actions.ts wraps it with the session check and error reporting). */
export type Register = (id: string, body: ActionBody) => void;

export interface ActionLog { info(message: string): void; error(message: string): void }

/** The user dismissed a picker or an input box: the command resolves to undefined. */
export class Cancelled extends Error {}
/** An argument was given but is not valid: the command fails with this message. */
export class Invalid extends Error {}

/** What the image quick pick offers (real Windows images; any other path can be typed). */
export const KNOWN_IMAGES: readonly string[] = [
  'C:\\Windows\\System32\\notepad.exe', 'C:\\Windows\\System32\\calc.exe', 'C:\\Windows\\System32\\cmd.exe',
  'C:\\Windows\\System32\\Taskmgr.exe', 'C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\explorer.exe',
];

export const CREATION_FLAGS: Readonly<Record<string, number>> = {
  CREATE_SUSPENDED, DEBUG_PROCESS, CREATE_NEW_CONSOLE, DETACHED_PROCESS, CREATE_NO_WINDOW,
  IDLE_PRIORITY_CLASS, BELOW_NORMAL_PRIORITY_CLASS, ABOVE_NORMAL_PRIORITY_CLASS, HIGH_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS,
};

/** A field given in `args` (string, number or bigint), or asked for; throws Invalid / Cancelled. */
export async function field<T>(args: Args, key: string, parse: (text: string) => ParseResult<T>, ask: { title: string; prompt: string; value?: string; placeHolder?: string }, fromNumber?: (n: number | bigint) => T): Promise<T> {
  const given = args[key];
  if (given !== undefined) {
    if ((typeof given === 'number' || typeof given === 'bigint') && fromNumber) {
      if (typeof given === 'number' && (!Number.isSafeInteger(given) || given < 0)) throw new Invalid(vscode.l10n.t('"{0}": {1}', key, parseErrorMessage({ code: 'syntax', detail: String(given) })));
      return fromNumber(given);
    }
    if (typeof given !== 'string') throw new Invalid(vscode.l10n.t('"{0}" must be a string or a number.', key));
    const r = parse(given);
    if (!r.ok) throw new Invalid(vscode.l10n.t('"{0}": {1}', key, parseErrorMessage(r.error)));
    return r.value;
  }
  const v = await askParsed(parse, ask);
  if (v === undefined) throw new Cancelled();
  return v;
}
export const big = (n: number | bigint): bigint => BigInt(n);
export const num = (n: number | bigint): number => Number(n);

export async function pickProcess(system: System, args: Args, title: string): Promise<number> {
  const given = args.pid;
  if (given !== undefined) {
    if (typeof given !== 'number' || !Number.isInteger(given) || !system.queryProcess(given)) throw new Invalid(vscode.l10n.t('There is no process with id {0}.', String(given)));
    return given;
  }
  const items = system.processIds.map((pid) => {
    const p = system.queryProcess(pid)!;
    return { label: p.imageFileName, description: String(pid), detail: p.imagePath, pid };
  });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Pick a process'), matchOnDescription: true, matchOnDetail: true });
  if (!picked) throw new Cancelled();
  return picked.pid;
}

export const addressAsk = (title: string, value?: bigint) => ({ title, prompt: vscode.l10n.t('Virtual address: 0x7ff600000000, WinDbg style 00007ff6`00000000, or decimal'), value: value === undefined ? undefined : hex(value) });
export const sizeAsk = (title: string, value = '64K') => ({ title, prompt: vscode.l10n.t('Size in bytes: 4096, 0x1000, 64K, 1.5M, 2G'), value });
export const nodeVa = (args: Args): bigint | undefined => (typeof args.va === 'bigint' ? args.va : undefined);
export const lastError = (api: Win32Api, what: string): ActionResult => {
  const code = api.GetLastError();
  return { ok: false, error: vscode.l10n.t('{0} failed: {1}.', what, win32ErrorText(code)), code };
};
