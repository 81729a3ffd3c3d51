// Issue 15, the session-23 reviewer's classes B, C and D, as classes: every name the simulation shows is
// recognized (derived from what the engine exports, not a hand list), learners' abbreviations are read in
// terms and headings, and a plain word in an everyday compound gets no hover even in its topic's section.
// Each text is written for this test, not a line of the corpus.
import { describe, expect, it } from 'vitest';
import { CREATION_STAGES, STEP_SCHEMAS } from '../../src/engine';
import * as Win32Constants from '../../src/engine/constants';
import { DT_TYPES } from '../../src/extension/kd/dt';
import { callChain } from '../../src/extension/present/steps/chain';
import { engineNames } from '../../src/extension/notes/engineNames';
import { entry, GLOSSARY } from '../../src/extension/notes/glossary';
import { recognize } from '../../src/extension/notes/recognize';
import { findLineTerms, headingTopic, lookupToken } from '../../src/extension/notes/terms';

const topicAt = (line: string, word: string): string | undefined => {
  const at = line.indexOf(word);
  if (at < 0) throw new Error(`no ${word} in ${line}`);
  return findLineTerms(line, undefined).find((t) => t.start <= at && at < t.end)?.entryId;
};
const ids = new Set(GLOSSARY.map((e) => e.id));

describe('names the engine shows', () => {
  it('every routine of the step schemas and of the creation stages\' call chains is recognized', () => {
    const routines = new Set<string>();
    // Identifier-shaped names (a C++ method such as ST_STORE::StDmPageAdd is no token of running text).
    for (const s of Object.values(STEP_SCHEMAS)) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.routine) && /[A-Z_]/.test(s.routine.slice(1))) routines.add(s.routine);
    for (const stage of CREATION_STAGES) for (const r of callChain({ routine: '', kind: 'processCreation', stage })) if (r) routines.add(r);
    const missing = [...routines].filter((r) => !lookupToken(r));
    expect(routines.size).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it('a fault\'s trap handler, written in running text, names the page fault', () => {
    expect(topicAt('the trap goes KiPageFault -> MmAccessFault', 'KiPageFault')).toBe('PageFault');
  });

  it('constants by the API that takes them, and no topic for CreateFile dispositions or error codes', () => {
    const names = engineNames(() => undefined);
    expect(names.get('create_suspended')).toBe('CreateProcess');
    expect(names.get('job_object_limit_priority_class')).toBe('Jobs');
    expect(names.get('page_writecopy')).toBe('CopyOnWrite');
    expect(names.get('page_size')).toBe('SmallPages');
    expect(names.has('create_always')).toBe(false);
    const errors = Object.keys(Win32Constants).filter((k) => k.startsWith('ERROR_'));
    expect(errors.length).toBeGreaterThan(0);
    for (const k of errors) expect(names.has(k.toLowerCase()), k).toBe(false);
    // Every topic named exists in the glossary.
    for (const id of names.values()) expect(ids.has(id), id).toBe(true);
  });

  it('dt types by the glossary name they contain (MMVAD, _EJOB, _HANDLE_TABLE_ENTRY)', () => {
    expect(DT_TYPES.some((t) => t.type === '_EJOB')).toBe(true);
    expect(lookupToken('_EJOB')?.id).toBe('Jobs');
    expect(lookupToken('MMVAD')?.id).toBe('VAD');
    expect(lookupToken('_HANDLE_TABLE_ENTRY')?.id).toBe('Handles');
  });

  it('an ordinary word that is also a CRT routine (free, malloc) is no engine name', () => {
    expect(lookupToken('free')).toBeUndefined();
  });
});

describe('chapter 2 concepts the lab does not model', () => {
  it('have an entry with the nearest thing it does model', () => {
    for (const [line, word, id] of [
      ['a mode switch from user mode to kernel mode', 'user mode', 'UserKernelMode'],
      ['用户态切到内核态要经过系统调用', '内核态', 'UserKernelMode'],
      ['the stub in ntdll.dll executes syscall', 'syscall', 'SystemCalls'],
      ['KiSystemCall64 indexes the SSDT', 'SSDT', 'SystemCalls'],
      ['hal.dll hides the interrupt controller', 'hal.dll', 'HAL'],
      ['硬件抽象层负责屏蔽硬件差异', '硬件抽象层', 'HAL'],
      ['kernel32.dll forwards to kernelbase.dll', 'kernel32.dll', 'SubsystemDlls'],
      ['the security reference monitor checks access', 'security reference monitor', 'ExecutiveComponents'],
      ['WSL 1 runs Pico processes', 'Pico processes', 'PicoProcesses'],
    ] as const) {
      expect(topicAt(line, word), line).toBe(id);
      expect(entry(id).nearest, id).toBeDefined();
    }
  });

  it('"Windows 子系统进程" is the subsystem process, not 系统进程', () => {
    expect(topicAt('csrss.exe 是 Windows 子系统进程', 'Windows')).toBe('CSR_PROCESS');
  });
});

describe('abbreviations learners write', () => {
  it('in terms: mgr, mgmt, mem, addr, sys, ref, mod', () => {
    expect(topicAt('the object mgr names objects', 'object mgr')).toBe('ObjectManager');
    expect(topicAt('mem mgmt is ch5', 'mem mgmt')).toBe('ch5');
    expect(topicAt('the user addr space ends at 128 TB', 'addr space')).toBe('AddressSpace');
    expect(topicAt('the security ref monitor', 'security ref monitor')).toBe('ExecutiveComponents');
    expect(topicAt('pages on the mod-no-write list', 'mod-no-write list')).toBe('PageLists');
  });

  it('in headings: week and chapter labels, abbreviations and "&"', () => {
    expect(headingTopic('wk3 — ch2 sys architecture')?.entryId).toBe('ch2');
    expect(headingTopic('Lec 7: processes & jobs')?.entryId).toBe('ch3');
    expect(headingTopic('ch5 memory mgmt (read ahead)')?.entryId).toBe('ch5');
    expect(headingTopic('virtual addr space')?.entryId).toBe('AddressSpace');
  });

  it('a short word is expanded only as a whole word (pagefile.sys, /proc are not)', () => {
    expect(topicAt('the pagefile.sys file', 'pagefile.sys')).toBe('PageFileFault');
    expect(headingTopic('procfs and /proc')).toBeUndefined();
  });
});

describe('everyday compounds of plain words, even in the topic\'s own section', () => {
  const section = (heading: string, body: string) => recognize(`${heading}\n\n${body}\n`);
  // Terms on the body line only (the heading line names the topic itself).
  const hovered = (r: ReturnType<typeof recognize>, word: string) => r.terms.some((t) => t.line === 2 && t.text.toLowerCase().includes(word));

  it('a job offer, a summer job: no Jobs hover under "## Jobs"; a job under it still is', () => {
    expect(hovered(section('## Jobs', 'Off topic: I got a job offer from a bank.'), 'job')).toBe(false);
    expect(hovered(section('## Jobs', 'My summer job starts in June.'), 'job')).toBe(false);
    expect(hovered(section('## Jobs', 'A process in a job cannot leave it.'), 'job')).toBe(true);
  });

  it('reading a section of the book is no section object; a section mapped into a view is', () => {
    expect(hovered(section('## Section objects', 'I should read the section again before Friday.'), 'section')).toBe(false);
    expect(hovered(section('## Section objects', 'Two processes share the section and its pages.'), 'section')).toBe(true);
  });

  it('课后作业 / 写作业 is homework; 作业 in a jobs section is the job', () => {
    expect(hovered(section('## 作业', '周末要写作业，这节先记到这里。'), '作业')).toBe(false);
    expect(hovered(section('## 作业', '老师布置的课后作业很多。'), '作业')).toBe(false);
    expect(hovered(section('## 作业', '进程加入作业后受它的限制。'), '作业')).toBe(true);
  });

  it('a two-character PTE field name with 标志 is an ordinary compound (转换标志), with 位 the field', () => {
    expect(topicAt('第一步：转换标志，再检查参数', '转换')).toBeUndefined();
    expect(topicAt('PTE 的转换位为 1', '转换位')).toBe('PTE');
  });
});
