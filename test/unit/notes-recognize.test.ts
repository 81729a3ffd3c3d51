// Topic recognition on a real learner's notes (test/fixtures/user-notes-sample.md, a copy of the
// shared sample): which topics are found on which lines, and which slips get which right name.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { entry, explainText, GLOSSARY } from '../../src/extension/notes/glossary';
import { headingTargets } from '../../src/extension/notes/targets';
import { editDistance, headingForFault, headingForStage, recognize, suggestName } from '../../src/extension/notes/recognize';

const sample = fs.readFileSync(path.join(__dirname, '../fixtures/user-notes-sample.md'), 'utf8');
const lines = sample.split(/\r?\n/);
/** 0-based line of the first line containing `text` (the fixture is the source of truth). */
const lineOf = (text: string): number => {
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`fixture has no line with ${text}`);
  return i;
};
const r = recognize(sample);
const headingAt = (text: string) => r.headings.find((h) => h.line === lineOf(text));
const termsOn = (text: string) => r.terms.filter((t) => t.line === lineOf(text));

describe('notes recognition: headings as the learner writes them', () => {
  it('reads bold lead lines with a full-width colon as headings of their topic', () => {
    expect(headingAt('**CreateProcess流程：**')).toMatchObject({ style: 'bold', text: 'CreateProcess流程', entryId: 'CreateProcessFlow' });
    expect(headingAt('**创建进程：**')).toMatchObject({ style: 'bold', entryId: 'CreateProcessFlow' });
    expect(headingAt('**受保护的进程：**')).toMatchObject({ style: 'bold', entryId: 'ProtectedProcess' });
    expect(headingAt('**Process Internals：**')).toMatchObject({ style: 'bold', entryId: 'EPROCESS' });
  });

  it('reads `StageN：` lines as headings of creation stages, including 3A and the stage-3 group', () => {
    expect(headingAt('Stage1：')).toMatchObject({ style: 'stage', stage: '1', entryId: 'Stage1' });
    expect(headingAt('Stage2：')).toMatchObject({ style: 'stage', stage: '2', entryId: 'Stage2' });
    expect(headingAt('Stage3：创建WIndows')).toMatchObject({ style: 'stage', stage: '3', entryId: 'Stage3A' });
    expect(headingAt('Stage3A：创建EPROCESS object')).toMatchObject({ style: 'stage', stage: '3A', entryId: 'Stage3A' });
  });

  it('reads ATX headings and chapter lines, in Chinese and English', () => {
    expect(headingAt('# 系统架构')).toMatchObject({ style: 'atx', level: 1, entryId: 'ch2' });
    expect(headingAt('# 内存管理介绍')).toMatchObject({ style: 'atx', entryId: 'ch5' });
    expect(headingAt('**Chapter 3 Processes and jobs**')).toMatchObject({ style: 'bold', entryId: 'ch3' });
  });

  it('reads bold list items as emphasis, not headings: no lens, but their words hover as the system threads', () => {
    // Only ATX and setext headings, stage lines and a paragraph that is one bold run are headings (issue 15, heading precision).
    for (const [text, id] of [['**The zero page thread**', 'ZeroPageThread'], ['**The balance set manager**', 'BalanceSetManager'],
      ['**The modified page writer**', 'ModifiedPageWriter'], ['**The process/stack swapper**', 'ProcessStackSwapper']] as const) {
      expect(headingAt(text), text).toBeUndefined();
      expect(termsOn(text).map((t) => t.entryId), text).toContain(id);
    }
    // A bold run that starts a sentence is emphasis too.
    expect(headingAt('**Creating modern process：**')).toBeUndefined();
  });

  it('finds the heading to reveal for a stage and for a page fault', () => {
    expect(headingForStage(r, '3A')?.line).toBe(lineOf('Stage3A：'));
    expect(headingForStage(r, '3B')?.line, '3B has no line of its own: the Stage3 group').toBe(lineOf('Stage3：'));
    expect(headingForStage(r, '5')?.line, 'no Stage5 line: the CreateProcess flow heading').toBe(lineOf('**CreateProcess流程：**'));
    expect(headingForFault(r, 'DemandZero'), 'the sample has no page-fault heading').toBeUndefined();
  });
});

describe('notes recognition: terms and slips', () => {
  it('finds API and structure names in running Chinese text', () => {
    const ids = termsOn('最后，所有启动进程的API').map((t) => t.entryId);
    expect(ids).toEqual(expect.arrayContaining(['CreateProcessInternalW', 'NtCreateUserProcess']));
    // 内核空间 and 用户空间 name the address space.
    expect(termsOn('EPROCESS等大部分结构体').map((t) => t.entryId)).toEqual(['EPROCESS', 'AddressSpace', 'PEB', 'AddressSpace']);
    expect(termsOn('Pcb，类型为').map((t) => [t.text, t.entryId])).toEqual([['Pcb', 'KPROCESS'], ['KPORCESS', 'KPROCESS']]);
    expect(termsOn('- Memory-mapped files').map((t) => t.entryId)).toEqual(expect.arrayContaining(['CreateFileMapping', 'MapViewOfFile']));
  });

  it('recognizes the misspellings and offers the right name', () => {
    const slips = r.terms.filter((t) => !t.exact).map((t) => [t.line, t.text, t.suggestion]);
    expect(slips).toEqual(expect.arrayContaining([
      [lineOf('ShellExcute'), 'ShellExcute', 'ShellExecute'],
      [lineOf('win23k.sys'), 'win23k.sys', 'win32k.sys'],
      [lineOf('PsSetCreateProcessNofityRoutine'), 'PsSetCreateProcessNofityRoutine', 'PsSetCreateProcessNotifyRoutine'],
      [lineOf('KPORCESS'), 'KPORCESS', 'KPROCESS'],
      [lineOf('STATRTUPINFO'), 'STATRTUPINFO', 'STARTUPINFO'],
      [lineOf('DbgUniConnectToDbg'), 'DbgUniConnectToDbg', 'DbgUiConnectToDbg'],
    ]));
  });

  it('does not turn ordinary words or correct names into slips', () => {
    const slipTexts = r.terms.filter((t) => !t.exact).map((t) => t.text);
    for (const word of ['process', 'Process', 'modern', 'Windows', 'WIndows', 'object', 'CreateProcess', 'ShellExecuteEx', 'VIrtualProtect']) {
      expect(slipTexts, word).not.toContain(word);
    }
    // Different case is the same name, not a slip.
    expect(termsOn('VIrtualProtect').find((t) => t.text === 'VIrtualProtect')).toMatchObject({ entryId: 'VirtualProtect', exact: true });
  });

  it('ignores image links to missing files', () => {
    expect(r.terms.filter((t) => lines[t.line]!.startsWith('![image'))).toEqual([]);
  });

  it('answers the open question about the registry in stage 2 with Image File Execution Options', () => {
    const line = lineOf('打个tag，P203');
    expect(termsOn('打个tag，P203').map((t) => t.entryId)).toContain('ImageFileExecutionOptions');
    expect(r.questions).toEqual([expect.objectContaining({ line, entryId: 'ImageFileExecutionOptions' })]);
    // 注册表 means IFEO only inside stage 2.
    expect(recognize('Stage5：\n写注册表。').terms.map((t) => t.entryId)).not.toContain('ImageFileExecutionOptions');
  });
});

describe('edit distance and suggestions', () => {
  it('counts an adjacent transposition as one edit', () => {
    expect(editDistance('kporcess', 'kprocess')).toBe(1);
    expect(editDistance('win23k.sys', 'win32k.sys')).toBe(1);
    expect(editDistance('shellexcute', 'shellexecute')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
  });

  it('suggests nothing for exact names, short words or unrelated identifiers', () => {
    expect(suggestName('EPROCESS')).toBeUndefined();
    expect(suggestName('Pcb')).toBeUndefined();
    expect(suggestName('ActivateApplication')).toBeUndefined();
    expect(suggestName('VirtualAloc')).toEqual({ name: 'VirtualAlloc', entryId: 'VirtualAlloc' });
  });

  it('every glossary entry has terms and both explanations; ids are unique', () => {
    expect(new Set(GLOSSARY.map((e) => e.id)).size).toBe(GLOSSARY.length);
    for (const e of GLOSSARY) {
      expect(e.terms.length, e.id).toBeGreaterThan(0);
      expect(e.explain.en.length, e.id).toBeGreaterThan(10);
      expect(/[\u4e00-\u9fff]/.test(e.explain.zh), e.id).toBe(true);
    }
  });
});

describe('recognition that generalizes (issue 15)', () => {
  const ids = (text: string) => recognize(text).terms.map((t) => [t.text, t.entryId]);

  it('reads plurals and other inflections of names and phrases', () => {
    expect(ids('VADs and PTEs')).toEqual([['VADs', 'VAD'], ['PTEs', 'PTE']]);
    expect(ids('two page faults, three working sets')).toEqual([['page faults', 'PageFault'], ['working sets', 'WorkingSet']]);
    expect(ids('the working-set list')).toEqual([['working-set list', 'WorkingSet']]);
  });

  it('reads API names with parentheses and A/W/Ex suffixes, but not other suffixes', () => {
    expect(ids('CreateProcessAsUserW() and VirtualAllocEx(), MapViewOfFileEx')).toEqual([
      ['CreateProcessAsUserW', 'CreateProcess'], ['VirtualAllocEx', 'VirtualAlloc'], ['MapViewOfFileEx', 'MapViewOfFile']]);
    expect(ids('CreateFileMappingA')).toEqual([['CreateFileMappingA', 'CreateFileMapping']]);
    // A structure takes no A/W suffix: EPROCESSW is at most a slip of EPROCESS, not the structure itself.
    expect(recognize('EPROCESSW').terms.filter((t) => t.exact)).toEqual([]);
  });

  it('splits slash-joined terms and finds terms inside Chinese sentences without spaces', () => {
    expect(ids('EPROCESS/KPROCESS')).toEqual([['EPROCESS', 'EPROCESS'], ['KPROCESS', 'KPROCESS']]);
    expect(ids('进程的EPROCESS里有Pcb字段，缺页时查页表项')).toEqual([['EPROCESS', 'EPROCESS'], ['Pcb', 'KPROCESS'], ['缺页', 'PageFault'], ['页表项', 'PTE']]);
  });

  it('knows abbreviations and their long forms, both ways, and Chinese concept names', () => {
    for (const [text, id] of [['PFN', 'PFN'], ['page frame number', 'PFN'], ['页帧', 'PFN'], ['VAD', 'VAD'], ['Virtual Address Descriptor', 'VAD'],
      ['虚拟地址描述符', 'VAD'], ['PEB', 'PEB'], ['Process Environment Block', 'PEB'], ['原型PTE', 'PrototypePTE'], ['修改页写入器', 'ModifiedPageWriter'],
      ['备用链表', 'PageLists'], ['IFEO', 'ImageFileExecutionOptions'], ['Image File Execution Options', 'ImageFileExecutionOptions']] as const) {
      expect(ids(`x ${text} y`), text).toEqual([[text, id]]);
    }
  });

  it('reads process image names', () => {
    expect(ids('lsass.exe, services.exe, svchost.exe and winlogon.exe')).toEqual([
      ['lsass.exe', 'lsass'], ['services.exe', 'services'], ['svchost.exe', 'services'], ['winlogon.exe', 'winlogon']]);
    expect(recognize('lsass.exe').terms.every((t) => t.exact), 'lsass.exe is no slip of csrss.exe').toBe(true);
  });

  it('gives plain-word headings their topic, and leaves plain words in running text alone', () => {
    const r = recognize('## Paging\n### 3.2 The Jobs\n## Protection\nThe paging of jobs needs protection.');
    expect(r.headings.map((h) => h.entryId)).toEqual(['PageFileFault', 'Jobs', 'VirtualProtect']);
    expect(r.termsOnLine(3)).toEqual([]);
  });

  it('reads 阶段N lines as creation stages', () => {
    expect(recognize('阶段3A：创建EPROCESS').headings[0]).toMatchObject({ style: 'stage', stage: '3A', entryId: 'Stage3A' });
  });
});

describe('notes recognition: a heading names its topic in whatever words it uses', () => {
  // Forms learners give headings (none taken from the corpus files): plurals, gerunds, "X and Y",
  // "How X works", "X internals", questions, numbering, 的/与/和/及, mixed Chinese and English, markup.
  const topic = (h: string) => recognize(`${h}\n`).headings[0]?.entryId;
  it.each([
    ['## Working Sets', 'WorkingSet'], ['### Trimming working sets', 'WorkingSet'], ['## How page faults work', 'PageFault'],
    ['## How does the modified page writer work?', 'ModifiedPageWriter'], ['## VAD internals', 'VAD'], ['## What are prototype PTEs?', 'PrototypePTE'],
    ['## 5.3 Page tables', 'PageTable'], ['### 3.2.1 *Job objects*', 'Jobs'], ['## [Handles](https://example.org/h) and objects', 'Handles'],
    ['## `EPROCESS` and `KPROCESS`', 'EPROCESS'], ['## **Tokens**', 'AccessToken'], ['## 工作集与页面链表', 'WorkingSet'], ['## 句柄及句柄表', 'Handles'],
    ['## 页表的结构', 'PageTable'], ['## 什么是原型PTE？', 'PrototypePTE'], ['## VAD 是什么', 'VAD'], ['## Working set 的修剪', 'WorkingSet'],
    ['## 虚拟地址描述符（VAD）', 'VAD'], ['## Translating virtual addresses', 'PageTable'], ['## Creating threads', 'Thread'],
    ['## Mapping views of a section', 'MapViewOfFile'], ['## The zero page thread explained', 'ZeroPageThread'], ['## 3.4 Inside the PEB', 'PEB'],
    ['## Why do we need a PFN database?', 'PFN'], ['## Standby and modified lists', 'PageLists'], ['## 写时复制的原理', 'CopyOnWrite'],
    ['## 进程创建的过程', 'CreateProcessFlow'], ['## How CreateProcess works internally', 'CreateProcessFlow'], ['## Large-page support', 'LargePages'],
    ['## Large and small pages', 'LargePages'], ['## Protecting memory', 'VirtualProtect'], ['## Creation of a process', 'CreateProcessFlow'],
    ['## Role of the balance set manager', 'BalanceSetManager'], ['## 受保护进程', 'ProtectedProcess'], ['## 第3章 进程和作业', 'ch3'],
    ['## Chapter 5: Memory management', 'ch5'], ['## 缺页异常是如何处理的？', 'PageFault'], ['**Page list dynamics**', 'PageLists'],
  ])('%s -> %s', (h, id) => expect(topic(h)).toBe(id));

  it('a generic sub-heading is about its parent, and other topics are not made up', () => {
    const r = recognize('## Process internals\n### Data structures\n## Sunday cooking\n### Overview\n## Job interview tips\n## Commit messages\n## Thread the needle\n## References\n');
    expect(r.headings.map((h) => h.entryId)).toEqual(['EPROCESS', 'EPROCESS', undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('a compound whose first word names a topic counts only in a section about that part of the book', () => {
    expect(recognize('## Handles\n### Handle inheritance\n').headings[1]?.entryId).toBe('Handles');
    expect(recognize('## Kitchen\n### Handle design\n').headings[1]?.entryId).toBeUndefined();
  });
});

describe('concepts the simulation does not model', () => {
  // Windows Internals 7e ch. 5: SuperFetch, AWE, session space.
  const cases = [['SuperFetch', 'SuperFetch'], ['SysMain', 'SuperFetch'], ['AWE', 'AWE'],
    ['AllocateUserPhysicalPages', 'AWE'], ['session space', 'SessionSpace'], ['会话空间', 'SessionSpace'], ['地址窗口扩展', 'AWE']] as const;

  it('still get a hover that says so and points to the nearest modeled thing', () => {
    for (const [text, id] of cases) {
      const t = recognize(`about ${text} here`).terms[0];
      expect(t, text).toMatchObject({ entryId: id, exact: true });
      const e = entry(id);
      const nearest = entry(e.nearest!);
      expect(nearest.nearest, `${id}: the nearest thing is modelled`).toBeUndefined();
      expect(headingTargets(nearest.id).length, `${id}: the nearest thing opens somewhere`).toBeGreaterThan(0);
      expect(explainText(e, false), id).toMatch(new RegExp(`^Not simulated here; the nearest thing the simulation shows is ${nearest.name.replace(/[()]/g, '\\$&')}\\. `));
      expect(explainText(e, true), id).toMatch(/^模拟中没有这一部分；最接近的是模拟中的/);
      // The concept's own text says what it is, not what the simulation lacks (that sentence is generic).
      expect(e.explain.en, id).not.toMatch(/simulat/i);
      expect(e.explain.zh, id).not.toMatch(/模拟/);
    }
  });

  it('give a heading about them no lens, while the heading about the nearest thing keeps its own', () => {
    const r = recognize('# Memory\n## AWE\n## Page table entries (PTEs)\n## 会话空间\n');
    expect(r.headings.map((h) => h.entryId)).toEqual([undefined, undefined, 'PTE', undefined]);
  });

  it('pool and system PTEs, modelled since the system address space landed, are explained as modelled', () => {
    for (const [text, id] of [['nonpaged pool', 'Pool'], ['ExAllocatePoolWithTag', 'Pool'], ['非分页池', 'Pool'], ['system PTEs', 'SystemPTEs'], ['系统PTE', 'SystemPTEs']] as const) {
      expect(recognize(`about ${text} here`).terms[0], text).toMatchObject({ entryId: id, exact: true });
      expect(entry(id).nearest, id).toBeUndefined();
      expect(explainText(entry(id), false), id).not.toMatch(/^Not simulated/);
    }
    expect(recognize('# Memory\n## System PTEs\n## 4.1 分页池和非分页池\n').headings.map((h) => h.entryId)).toEqual([undefined, 'SystemPTEs', 'Pool']);
  });

  it('memory compression, modelled since the store manager landed, is explained and opened as modelled', () => {
    const e = entry('MemoryCompression');
    expect(e.nearest).toBeUndefined();
    expect(recognize('about memory compression and 内存压缩 here').terms.map((t) => t.entryId)).toEqual(['MemoryCompression', 'MemoryCompression']);
    expect(explainText(e, false)).not.toMatch(/^Not simulated/);
    expect(recognize('# Memory\n## Memory compression\n').headings[1]?.entryId).toBe('MemoryCompression');
    expect(headingTargets('MemoryCompression').length).toBeGreaterThan(0);
  });

  it('the TLB, which the simulation keeps without a view, is explained as modelled', () => {
    const e = entry('TLB');
    expect(e.nearest).toBeUndefined();
    expect(recognize('the TLB and 快表').terms.map((t) => t.entryId)).toEqual(['TLB', 'TLB']);
    expect(e.explain.en).toMatch(/software TLB per address space/);
  });
});

describe('notes recognition: creation stages in running text', () => {
  it('reads stage 4, Stage3A, 阶段 4, 第4阶段 and 第四阶段 as the stages, and nothing that only looks close', () => {
    const ids = (text: string) => recognize(`${text}\n`).termsOnLine(0).filter((t) => t.entryId.startsWith('Stage')).map((t) => [t.text, t.entryId]);
    expect(ids('the initial thread is created in stage 4, then Stage3A is done')).toEqual([['stage 4', 'Stage4'], ['Stage3A', 'Stage3A']]);
    expect(ids('是创建进程的第4阶段，第四阶段之后是阶段 5')).toEqual([['第4阶段', 'Stage4'], ['第四阶段', 'Stage4'], ['阶段 5', 'Stage5']]);
    expect(ids('stages 1-7, stage 8, stage 12, backstage 4, Stage3G, 阶段9, stage')).toEqual([]);
  });
});

describe('notes recognition: general rules found missing on the held-out notes', () => {
  const terms = (text: string) => recognize(text).terms.map((t) => `${t.text}->${t.entryId}`);
  const heading = (text: string) => recognize(text).headings[0];

  it('recognizes each part of a dotted name', () => {
    expect(terms('EPROCESS.ActiveProcessLinks chains them')).toEqual(['EPROCESS->EPROCESS', 'ActiveProcessLinks->EPROCESS']);
    expect(terms('PEB.Ldr and KPROCESS.DirectoryTableBase')).toEqual(['PEB->PEB', 'KPROCESS->KPROCESS', 'DirectoryTableBase->KPROCESS']);
    expect(terms('ntoskrnl.exe'), 'a listed dotted name stays whole').toEqual(['ntoskrnl.exe->Ntoskrnl']);
  });

  it('takes privilege constants for the token that holds them, except one listed under its own topic', () => {
    expect(terms('SeDebugPrivilege and SeShutdownPrivilege')).toEqual(['SeDebugPrivilege->AccessToken', 'SeShutdownPrivilege->AccessToken']);
    expect(terms('SeLockMemoryPrivilege')).toEqual(['SeLockMemoryPrivilege->LargePages']);
    expect(terms('Separate Privilege')).toEqual([]);
  });

  it('does not take a sentence that starts with a stage for a stage heading', () => {
    expect(heading('Stage 2 opens the image and checks IFEO.')).toBeUndefined();
    expect(heading('Stage 2: open the image')).toMatchObject({ style: 'stage', stage: '2' });
    expect(heading('Stage 3A PspAllocateProcess')).toMatchObject({ style: 'stage', stage: '3A' });
  });

  it('reads "A的B", "X vs Y" and "Creating a process" headings', () => {
    expect(heading('## 线程的调度')?.entryId).toBe('Thread');
    expect(heading('## Handles vs tokens')?.entryId).toBe('Handles');
    expect(heading('## 7. Creating a process')?.entryId).toBe('CreateProcessFlow');
    expect(heading('## Creating processes')?.entryId).toBe('CreateProcessFlow');
    expect(heading('## Creating a playlist')?.entryId).toBeUndefined();
  });
});
