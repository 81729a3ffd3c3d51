// Action commands, one family: Processes and threads: CreateProcess, CreateThread, TerminateProcess.
import * as vscode from 'vscode';
import { Commands } from '../ids';
import { hex } from '../present/format';
import { parseAddress, parseFlags, parseInteger } from './parse';
import { big, Cancelled, CREATION_FLAGS, field, Invalid, KNOWN_IMAGES, num, pickProcess, type ActionLog, type Register } from './context';

export function registerProcessActions(register: Register, log: ActionLog): void {
  register(Commands.createProcess, async (system, args) => {
    const title = vscode.l10n.t('Create Process');
    let imagePath = args.imagePath;
    if (imagePath === undefined) {
      const other = vscode.l10n.t('Other image path…');
      const picked = await vscode.window.showQuickPick([...KNOWN_IMAGES.map((p) => ({ label: p.slice(p.lastIndexOf('\\') + 1), description: p, path: p })), { label: other, description: '', path: '' }],
        { title, placeHolder: vscode.l10n.t('The image to run (CreateProcess lpApplicationName)') });
      if (!picked) throw new Cancelled();
      imagePath = picked.path || await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('Full path of the image, e.g. C:\\Tools\\app.exe'), ignoreFocusOut: true,
        validateInput: (t) => (t.trim() ? undefined : vscode.l10n.t('Enter a value.')) });
      if (!imagePath) throw new Cancelled();
    }
    if (typeof imagePath !== 'string' || imagePath.trim() === '') throw new Invalid(vscode.l10n.t('"{0}" must be a non-empty string.', 'imagePath'));
    let flags = 0;
    if (args.creationFlags !== undefined) {
      flags = await field(args, 'creationFlags', (t) => parseFlags(t, CREATION_FLAGS, ''), { title, prompt: '' }, num);
    } else if (args.imagePath === undefined) {
      const picked = await vscode.window.showQuickPick(Object.entries(CREATION_FLAGS).map(([label, value]) => ({ label, description: hex(value), value })),
        { title, canPickMany: true, placeHolder: vscode.l10n.t('Creation flags (none = a normal process)') });
      if (!picked) throw new Cancelled();
      flags = picked.reduce((a, p) => a | p.value, 0);
    }
    const parentPid = typeof args.pid === 'number' ? args.pid : typeof args.parentPid === 'number' ? args.parentPid : undefined;
    if (parentPid !== undefined && !system.queryProcess(parentPid)) throw new Invalid(vscode.l10n.t('There is no process with id {0}.', parentPid));
    if (args.commandLine !== undefined && typeof args.commandLine !== 'string') throw new Invalid(vscode.l10n.t('"{0}" must be a string or a number.', 'commandLine'));
    const { pid, tid } = system.createProcess({ imagePath: imagePath.trim(), parentPid, creationFlags: flags, commandLine: args.commandLine as string | undefined });
    log.info(vscode.l10n.t('Created process {0} (pid {1}, initial thread {2}).', imagePath.trim(), pid, tid));
    return { ok: true, pid, tid };
  });

  register(Commands.createThread, async (system, args) => {
    const title = vscode.l10n.t('Create Thread');
    const pid = await pickProcess(system, args, title);
    const startAddress = await field(args, 'startAddress', parseAddress,
      { title, prompt: vscode.l10n.t('lpStartAddress (the simulation records it; it does not execute code)'), value: '0x140001000' }, big);
    const flags = args.flags === undefined ? 0 : await field(args, 'flags', (t) => parseFlags(t, CREATION_FLAGS, ''), { title, prompt: '' }, num);
    const r = system.psCall({ call: 'createThread', callerPid: pid, hProcess: null, startAddress, parameter: 0n, flags, stackSize: 0n });
    // CreateThread hands back a handle; the command does not keep it open.
    system.psCall({ call: 'closeHandle', callerPid: pid, handle: r.handle });
    log.info(`CreateThread(${hex(startAddress)}) = tid ${r.tid} [pid ${pid}]`);
    return { ok: true, pid, tid: r.tid };
  });

  register(Commands.terminateProcess, async (system, args) => {
    const pid = await pickProcess(system, args, vscode.l10n.t('Terminate Process'));
    const exitCode = args.exitCode === undefined ? 1 : await field(args, 'exitCode', (t) => { const r = parseInteger(t, 0xFFFFFFFFn); return r.ok ? { ok: true, value: Number(r.value) } : r; }, { title: '', prompt: '' }, num);
    const image = system.queryProcess(pid)!.imageFileName;
    system.psCall({ call: 'terminatePid', pid, exitCode: Number(exitCode) });
    log.info(`TerminateProcess(${image}, ${exitCode}) [pid ${pid}]`);
    return { ok: true, pid, exitCode };
  });
}
