// A small simulated registry: keys with REG_SZ / REG_EXPAND_SZ / REG_DWORD values. It holds what
// process creation reads: Image File Execution Options (a Debugger value redirects the launch),
// file associations under HKEY_CLASSES_ROOT for ShellExecuteEx, and the AppX registrations
// ActivateApplication resolves.

export const REG_SZ = 1;
export const REG_EXPAND_SZ = 2;
export const REG_DWORD = 4;

export interface RegistryValue { type: typeof REG_SZ | typeof REG_EXPAND_SZ | typeof REG_DWORD; data: string | number }

export const IFEO_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options';
/** Where the simulation registers packaged applications: <AUMID> -> executable and package full name. */
export const APPX_KEY = 'HKLM\\SOFTWARE\\Classes\\ActivatableClasses\\Package';

const HIVE_ALIASES: Record<string, string> = {
  HKEY_LOCAL_MACHINE: 'HKLM', HKEY_CURRENT_USER: 'HKCU', HKEY_CLASSES_ROOT: 'HKLM\\SOFTWARE\\Classes', HKCR: 'HKLM\\SOFTWARE\\Classes',
  '\\REGISTRY\\MACHINE': 'HKLM', 'REGISTRY\\MACHINE': 'HKLM',
};

/** Normalizes a key path: hive aliases, '/' or '\', trailing separators. Returns null when no hive is named. */
export function normalizeKey(path: string): string | null {
  if (typeof path !== 'string') return null;
  let p = path.replace(/\//g, '\\').replace(/\\+$/, '');
  const upper = p.toUpperCase();
  for (const [alias, real] of Object.entries(HIVE_ALIASES)) {
    if (upper === alias || upper.startsWith(alias + '\\')) { p = real + p.slice(alias.length); break; }
  }
  if (!/^(HKLM|HKCU)(\\|$)/i.test(p)) return null;
  return p.split('\\').filter((c) => c.length > 0).join('\\');
}

export class Registry {
  /** Lowercase key path -> { canonical path, values (lowercase name -> [name, value]) }. */
  private keys = new Map<string, { path: string; values: Map<string, [string, RegistryValue]> }>();

  createKey(path: string): string {
    const key = normalizeKey(path);
    if (!key) throw new RangeError(`registry: '${String(path)}' does not start with a hive (HKLM, HKCU, HKCR)`);
    const parts = key.split('\\');
    for (let i = 1; i <= parts.length; i++) {
      const sub = parts.slice(0, i).join('\\');
      if (!this.keys.has(sub.toLowerCase())) this.keys.set(sub.toLowerCase(), { path: sub, values: new Map() });
    }
    return this.keys.get(key.toLowerCase())!.path;
  }

  keyExists(path: string): boolean {
    const key = normalizeKey(path);
    return !!key && this.keys.has(key.toLowerCase());
  }

  setValue(path: string, name: string, value: RegistryValue): void {
    if (typeof name !== 'string') throw new TypeError('registry: value name must be a string');
    if (value.type === REG_DWORD ? typeof value.data !== 'number' : typeof value.data !== 'string') throw new TypeError('registry: value data does not match its type');
    this.createKey(path);
    this.keys.get(normalizeKey(path)!.toLowerCase())!.values.set(name.toLowerCase(), [name, { ...value }]);
  }

  getValue(path: string, name: string): RegistryValue | undefined {
    const key = normalizeKey(path);
    if (!key) return undefined;
    return this.keys.get(key.toLowerCase())?.values.get(name.toLowerCase())?.[1];
  }

  deleteValue(path: string, name: string): boolean {
    const key = normalizeKey(path);
    return !!key && !!this.keys.get(key.toLowerCase())?.values.delete(name.toLowerCase());
  }

  /** Values of a key as [name, value] pairs. */
  values(path: string): Array<[string, RegistryValue]> {
    const key = normalizeKey(path);
    return key ? [...(this.keys.get(key.toLowerCase())?.values.values() ?? [])].map(([n, v]) => [n, { ...v }]) : [];
  }

  /** Direct subkey names. */
  subkeys(path: string): string[] {
    const key = normalizeKey(path);
    if (!key) return [];
    const prefix = key.toLowerCase() + '\\';
    const out: string[] = [];
    for (const [k, e] of this.keys) if (k.startsWith(prefix) && !k.slice(prefix.length).includes('\\')) out.push(e.path.slice(prefix.length));
    return out.sort();
  }

  clone(): Registry {
    const r = new Registry();
    for (const [k, e] of this.keys) r.keys.set(k, { path: e.path, values: new Map([...e.values].map(([n, [name, v]]) => [n, [name, { ...v }]])) });
    return r;
  }

  /** The registry of a fresh installation: IFEO key, associations for .txt/.bat/.cmd/.exe/.ini, the Calculator package. */
  static withDefaults(): Registry {
    const r = new Registry();
    r.createKey(IFEO_KEY);
    const cls = 'HKLM\\SOFTWARE\\Classes';
    const assoc = (ext: string, progId: string, command: string): void => {
      r.setValue(`${cls}\\${ext}`, '', { type: REG_SZ, data: progId });
      r.setValue(`${cls}\\${progId}\\shell\\open\\command`, '', { type: REG_EXPAND_SZ, data: command });
    };
    assoc('.txt', 'txtfile', '%SystemRoot%\\system32\\NOTEPAD.EXE %1');
    assoc('.ini', 'inifile', '%SystemRoot%\\system32\\NOTEPAD.EXE %1');
    assoc('.log', 'txtfile', '%SystemRoot%\\system32\\NOTEPAD.EXE %1');
    assoc('.bat', 'batfile', '"%1" %*');
    assoc('.cmd', 'cmdfile', '"%1" %*');
    assoc('.exe', 'exefile', '"%1" %*');
    const calc = 'Microsoft.WindowsCalculator_8wekyb3d8bbwe!App';
    r.setValue(`${APPX_KEY}\\${calc}`, 'Executable', { type: REG_SZ, data: 'C:\\Program Files\\WindowsApps\\Microsoft.WindowsCalculator_10.2103.8.0_x64__8wekyb3d8bbwe\\Calculator.exe' });
    r.setValue(`${APPX_KEY}\\${calc}`, 'PackageFullName', { type: REG_SZ, data: 'Microsoft.WindowsCalculator_10.2103.8.0_x64__8wekyb3d8bbwe' });
    r.setValue('HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment', 'Path', { type: REG_EXPAND_SZ, data: '%SystemRoot%\\system32;%SystemRoot%;%SystemRoot%\\System32\\Wbem' });
    return r;
  }
}
