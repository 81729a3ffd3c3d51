// The presentation layer (src/extension/present) in plain Node: the one formatter, the one table of
// names, the Localizer's placeholder filling, the step-text catalog's families, and the escaping of
// simulation strings in the sidebar's markdown tooltips (issue 19 item 9) with hostile names.
import { describe, expect, it } from 'vitest';
import {
  createSystem, CREATE_SUSPENDED, JobObjectExtendedLimitInformation, JOB_OBJECT_LIMIT_ACTIVE_PROCESS, PAGE_READWRITE, STEP_SCHEMAS,
  STATUS_ACCESS_VIOLATION, ERROR_INVALID_PARAMETER, LOAD_DLL_DEBUG_EVENT,
} from '../../src/engine';
import { PAGE_SIZE as ENGINE_PAGE_SIZE } from '../../src/engine/constants';
import { address, formatBytes, formatHexDump, hex, hexDigits, PAGE_SIZE, PAGE_SIZE_N, pointer, pointerDigits } from '../../src/extension/present/format';
import { formatMessage, plainLocalizer } from '../../src/extension/present/localizer';
import { mdCode, mdText } from '../../src/extension/present/markdown';
import {
  debugEventName, JOB_LIMIT_NAMES, jobLimitName, ntStatusText, PAGE_LIST_INDEX, PAGE_LISTS, pageListIndexName, standbyIndex, standbyPriorityOf, win32ErrorText,
} from '../../src/extension/present/names';
import { explainedCodes, hasExplanation } from '../../src/extension/present/steps';
import { ProcessesModel, tooltipText, type TreeNode } from '../../src/extension/views/model';
import { JobsModel, SectionsModel } from '../../src/extension/views/objects';

const l10n = plainLocalizer;

describe('one formatter', () => {
  it('hex, WinDbg pointers and addresses, sizes, dumps', () => {
    expect(hex(0x7ff612340000n)).toBe('0x7ff612340000');
    expect(hex(255)).toBe('0xff');
    expect(hex(-1)).toBe('-1');
    expect(pointer(0x7ff612340000n)).toBe('00007ff6`12340000');
    expect(pointer(-1n)).toBe('ffffffff`ffffffff');
    expect(address(0x1000)).toBe('0x00000000`00001000');
    expect(formatBytes(65536)).toBe('64 KB');
    expect(formatHexDump(new Uint8Array([0x48, 0x69, 0]), 0x1000n)).toBe(`00000000\`00001000  48 69 00${' '.repeat(39)}  Hi.`);
  });

  it('serves the kernel debugger too: 16-digit pointers, padded hex, the page size from the engine', () => {
    expect(pointerDigits(0xffff8104e0017e40n)).toBe('ffff8104e0017e40');
    expect(pointerDigits(0x1000)).toBe('0000000000001000');
    expect(hexDigits(0x1a, 8)).toBe('0000001a');
    expect(hexDigits(-1, 4)).toBe('ffffffffffffffff');
    expect(hexDigits(0x123456789n, 12)).toBe('000123456789');
    expect(PAGE_SIZE).toBe(ENGINE_PAGE_SIZE);
    expect(PAGE_SIZE_N).toBe(BigInt(ENGINE_PAGE_SIZE));
  });
});

describe('one table of names', () => {
  it('names Win32 errors, NTSTATUS values and debug events from the engine constants', () => {
    expect(win32ErrorText(ERROR_INVALID_PARAMETER)).toBe('ERROR_INVALID_PARAMETER (87)');
    expect(win32ErrorText(999999)).toBe('999999');
    expect(ntStatusText(STATUS_ACCESS_VIOLATION)).toBe('STATUS_ACCESS_VIOLATION (0xc0000005)');
    expect(ntStatusText(STATUS_ACCESS_VIOLATION | 0)).toBe('STATUS_ACCESS_VIOLATION (0xc0000005)');
    expect(debugEventName(LOAD_DLL_DEBUG_EVENT)).toBe('LOAD_DLL_DEBUG_EVENT');
  });

  it('numbers the page lists as the engine does: the physical machine lists each list by the index a change names', () => {
    expect(PAGE_LISTS.map((l) => PAGE_LIST_INDEX[l])).toEqual([0, 1, 2, 10, 11, 12]);
    for (let p = 0; p < 8; p++) expect(standbyPriorityOf(standbyIndex(p))).toBe(p);
    expect(standbyPriorityOf(PAGE_LIST_INDEX.Modified)).toBeUndefined();
    expect(pageListIndexName(standbyIndex(5), l10n)).toBe('standby list, priority 5');
    expect(pageListIndexName(PAGE_LIST_INDEX.ModifiedNoWrite, l10n)).toBe('modified no-write list');
    // The engine's own 'pageList' changes: zeroing pages names the zeroed and free lists by these indices.
    const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const from = system.stepCount;
    system.runSystemThread('zeroPageThread');
    const lists = new Set(system.getSteps(from, system.stepCount).flatMap((s) => s.changes).filter((c) => c.type === 'pageList').map((c) => c.id));
    for (const id of lists) expect(pageListIndexName(id!, l10n), `list ${id}`).not.toBe(String(id));
  });

  it('names every JOB_OBJECT_LIMIT_* flag by its winnt.h value, from the engine constants alone', () => {
    // Microsoft Learn, JOBOBJECT_BASIC_LIMIT_INFORMATION (LimitFlags) and JOBOBJECT_EXTENDED_LIMIT_INFORMATION.
    expect(Object.keys(JOB_LIMIT_NAMES)).toHaveLength(16);
    expect(Object.values(JOB_LIMIT_NAMES)).toEqual(Array.from({ length: 16 }, (_, i) => 1 << i));
    expect(jobLimitName(0x40)).toBe('JOB_OBJECT_LIMIT_PRESERVE_JOB_TIME');
    expect(jobLimitName(0x80)).toBe('JOB_OBJECT_LIMIT_SCHEDULING_CLASS');
    expect(jobLimitName(0x400)).toBe('JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION');
    expect(jobLimitName(0x4000)).toBe('JOB_OBJECT_LIMIT_SUBSET_AFFINITY');
    expect(jobLimitName(0x8000)).toBe('JOB_OBJECT_LIMIT_JOB_MEMORY_LOW');
    expect(jobLimitName(JOB_OBJECT_LIMIT_ACTIVE_PROCESS)).toBe('JOB_OBJECT_LIMIT_ACTIVE_PROCESS');
    expect(jobLimitName(0x10000)).toBeUndefined();
  });
});

describe('one Localizer', () => {
  it('fills positional and named placeholders as vscode.l10n.t does', () => {
    expect(formatMessage('{0} of {1}', [3, 'x'])).toBe('3 of x');
    expect(formatMessage('{pid} at {va}', [{ pid: 4, va: '0x10' }])).toBe('4 at 0x10');
    expect(formatMessage('{missing} {0}', [1])).toBe('{missing} 1');
    expect(l10n.t('Thread {0}', 12)).toBe('Thread 12');
  });
});

describe('the step-text catalog', () => {
  it('gives each code to one family, and explains only codes the engine records', () => {
    const families = explainedCodes();
    expect(families.length).toBeGreaterThan(15);
    const all = families.flat();
    expect(new Set(all).size).toBe(all.length);
    for (const code of all) expect(Object.prototype.hasOwnProperty.call(STEP_SCHEMAS, code), code).toBe(true);
    expect(hasExplanation('fault.demandZero')).toBe(true);
    expect(hasExplanation('no.such.code')).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------ hostile names

const HOSTILE = [
  'a`b``c',
  '![x](http://attacker.example/p.png)',
  '[a](command:workbench.action.terminal.sendSequence?%7B%7D)',
  '<img src=x onerror=alert(1)><b>bold</b>',
  'x | y\n# heading',
  '**strong** _em_ ~~gone~~ &amp; \\*',
  'see https://attacker.example and www.attacker.example',
];

/**
 * What a hostile name could still do once escaped, judged on the markdown source: start an image or
 * link, raw HTML, an autolink, a new line (heading, table row), or an unescaped markup character.
 */
function unsafe(md: string): string | undefined {
  if (/[\n\r]/.test(md)) return 'line break';
  // Drop escaped characters, then code spans (their content is literal).
  const text = md.replace(/\\[!-/:-@[-`{-~]/g, '').replace(/`[^`]*`/g, '');
  if (/[`*_[\]<>!|&~]/.test(text)) return `markup character in ${JSON.stringify(text)}`;
  if (/https?:\/\/|www\./i.test(text)) return 'autolink';
  return undefined;
}

describe('markdown escaping of simulation strings', () => {
  it('mdText and mdCode leave nothing a name could render as markup', () => {
    for (const name of HOSTILE) {
      expect(unsafe(mdText(name)), `mdText(${JSON.stringify(name)})`).toBeUndefined();
      expect(unsafe(mdCode(name)), `mdCode(${JSON.stringify(name)})`).toBeUndefined();
    }
    expect(mdCode('LabSection')).toBe('`LabSection`');
    expect(mdText('LAB\\Student')).toBe('LAB\\Student');
    expect(mdText('a\\*b')).toBe('a\\\\\\*b');
  });

  it('section, job, file-mapping and image names in the sidebar tooltips are escaped', () => {
    const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const explorer = system.processIds.find((p) => system.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const api = system.win32(explorer);
    for (const [i, name] of HOSTILE.entries()) {
      // Names of named objects may not contain a backslash (the object namespace); line breaks stay in.
      const objectName = name.replace(/\\/g, '/') + ` ${i}`;
      // Sections and jobs share the object namespace: one name each.
      const section = api.CreateFileMapping(-1, PAGE_READWRITE, 0x2000n, `S ${objectName}`);
      expect(section, objectName).not.toBe(0);
      expect(api.MapViewOfFile(section, 0xF001F, 0n, 0n)).not.toBe(0n);
      const job = api.CreateJobObject(null, `J ${objectName}`);
      expect(job, objectName).not.toBe(0);
      expect(api.SetInformationJobObject(job, JobObjectExtendedLimitInformation, { LimitFlags: JOB_OBJECT_LIMIT_ACTIVE_PROCESS, ActiveProcessLimit: 4 })).toBe(true);
    }
    system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', commandLine: '![x](www.attacker.example)', creationFlags: CREATE_SUSPENDED });

    const tooltips: string[] = [];
    const walk = (model: { roots(): TreeNode[]; children(n: TreeNode): TreeNode[]; describe(n: TreeNode): Parameters<typeof tooltipText>[0] }, depth: number): void => {
      const visit = (n: TreeNode, d: number): void => {
        tooltips.push(tooltipText(model.describe(n)));
        if (d < depth) for (const c of model.children(n).slice(0, 40)) visit(c, d + 1);
      };
      for (const r of model.roots()) visit(r, 0);
    };
    const sections = new SectionsModel(l10n); sections.setSystem(system, false); walk(sections, 3);
    const jobs = new JobsModel(l10n); jobs.setSystem(system, false); walk(jobs, 2);
    const processes = new ProcessesModel(l10n); processes.setSystem(system, false); walk(processes, 3);

    const all = tooltips.join('\n');
    expect(all).toContain('attacker');
    for (const t of tooltips) {
      // What renders as markup: the source without escaped characters and code spans (both literal).
      const live = t.replace(/\\[!-/:-@[-`{-~]/g, '').replace(/`[^`\n]*`/g, '');
      expect(live, t).not.toMatch(/\]\(|<img|<b>|https?:\/\/|www\./i);
      // A hostile name never starts its own line (a heading or a table row of its own).
      expect(t, t).not.toMatch(/^# heading/m);
    }
  });
});
