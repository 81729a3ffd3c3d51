// Action commands, one family: Section objects: CreateFileMapping + MapViewOfFile, UnmapViewOfFile.
import * as vscode from 'vscode';
import { type Win32Api } from '../../engine';
import { Commands } from '../ids';
import { hex } from '../present/format';
import { parseAddress, parseProtection, parseSize } from './parse';
import { addressAsk, big, field, lastError, nodeVa, num, pickProcess, sizeAsk, type Register } from './context';

export function registerSectionActions(register: Register): void {
  type SectionApi = Win32Api & {
    CreateFileMapping?: (hFile: number, flProtect: number, size: bigint, name?: string) => number;
    MapViewOfFile?: (h: number, access: number, offset: bigint, size: bigint) => bigint;
    UnmapViewOfFile?: (base: bigint) => boolean;
  };
  register(Commands.mapView, async (system, args) => {
    const title = 'MapViewOfFile';
    const pid = await pickProcess(system, args, title);
    const api = system.win32(pid) as SectionApi;
    if (typeof api.CreateFileMapping !== 'function' || typeof api.MapViewOfFile !== 'function') return { ok: false, error: vscode.l10n.t('The simulation does not model {0} yet.', 'CreateFileMapping / MapViewOfFile') };
    const size = await field(args, 'size', (t) => parseSize(t), sizeAsk(title), big);
    const protect = await field(args, 'protect', parseProtection, { title, prompt: vscode.l10n.t('flProtect of the section, e.g. PAGE_READWRITE'), value: 'PAGE_READWRITE' }, num);
    const name = typeof args.name === 'string' ? args.name : undefined;
    const handle = api.CreateFileMapping(-1, protect, size, name);
    if (!handle) return lastError(api, 'CreateFileMapping');
    const FILE_MAP_ALL_ACCESS = 0xF001F;
    const access = typeof args.access === 'number' ? args.access : FILE_MAP_ALL_ACCESS;
    const base = api.MapViewOfFile(handle, access, 0n, 0n);
    if (!base) return lastError(api, 'MapViewOfFile');
    return { ok: true, pid, handle, address: hex(base) };
  });

  register(Commands.unmapView, async (system, args) => {
    const title = 'UnmapViewOfFile';
    const pid = await pickProcess(system, args, title);
    const api = system.win32(pid) as SectionApi;
    if (typeof api.UnmapViewOfFile !== 'function') return { ok: false, error: vscode.l10n.t('The simulation does not model {0} yet.', 'UnmapViewOfFile') };
    const address = await field(args, 'address', parseAddress, addressAsk(title, nodeVa(args)), big);
    if (!api.UnmapViewOfFile(address)) return lastError(api, 'UnmapViewOfFile');
    return { ok: true, pid };
  });
}
