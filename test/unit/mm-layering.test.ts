// The memory manager works on address spaces, not processes (issue 13 item 2): no mm module imports
// the process object, the process manager, the security or object manager, the system or the Win32
// layer. The handle side of the section services (ps/sectionCalls.ts) lives with the handle tables.
// What mm needs from the executive comes through AddressSpace.holdsLockMemoryPrivilege and
// MemoryManager.jobCommitCheck.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AddressSpace } from '../../src/engine/mm/addressSpace';
import { ProcessObject } from '../../src/engine/process';
import { SE_LOCK_MEMORY_NAME } from '../../src/engine/constants';
import { createSystem } from '../../src/engine';
import { machineOf } from '../../src/engine/testing';

const engineDir = path.join(__dirname, '../../src/engine');
const mmDir = path.join(engineDir, 'mm');
/** What the memory manager may not import: the process object, the executive's managers, the system, the Win32 layer. */
const FORBIDDEN = new Set(['process', 'system', 'win32', 'ps', 'se', 'ob']);

describe('memory-manager layering', () => {
  it('mm modules import neither the process object nor the executive', () => {
    const files = fs.readdirSync(mmDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('addressSpace.ts');
    const offending: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(mmDir, f), 'utf8');
      for (const m of text.matchAll(/from '([^']+)'/g)) {
        // Resolved against the importing file, so a module in a subfolder of mm is held to the same rule.
        const target = path.relative(engineDir, path.resolve(path.dirname(path.join(mmDir, f)), m[1]!)).split(path.sep);
        if (FORBIDDEN.has(target[0]!)) offending.push(`${f}: ${m[1]}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('a process is an address space; the privilege the memory manager asks for comes from its token', () => {
    // The executive state is required: borrow a booted user process's (token included).
    const explorer = machineOf(createSystem({ physicalMemoryMB: 64, pageFileMB: 64 })).processes.find((x) => x?.imageFileName === 'explorer.exe')!;
    const state = explorer.ps.clone();
    state.token.privileges.delete(SE_LOCK_MEMORY_NAME);
    const p = new ProcessObject(1, 4, 'C:\\Windows\\System32\\notepad.exe', 0, -1, 0n, state);
    expect(p).toBeInstanceOf(AddressSpace);
    expect(p.holdsLockMemoryPrivilege()).toBe(false);
    p.privileges.add(SE_LOCK_MEMORY_NAME);
    expect(p.holdsLockMemoryPrivilege()).toBe(true);
    expect(new AddressSpace(1, 4, -1).holdsLockMemoryPrivilege()).toBe(false);
    // A clone copies the address space (VADs, working set, commit) and starts with a flushed TLB.
    p.privateCommit = 3;
    p.bottomUpStartVpn = 0x40;
    const c = p.clone();
    expect(c.privateCommit).toBe(3);
    expect(c.bottomUpStartVpn).toBe(0x40);
    expect(c.vads).not.toBe(p.vads);
    expect(c.holdsLockMemoryPrivilege()).toBe(true);
  });
});
