// Notes the project has never seen, in the real VS Code (issue 15): hovers on terms and lenses on
// headings in an English and a Chinese learners' notes file of the corpus, the lens that opens the
// right sidebar node, Explain Selection from the palette; and debugger commands written in notes
// (issue 16, "From notes"): a hover that runs one in place or in a kernel-debugger console, and
// `kd>` lines in ntlab blocks.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/ids';
import { recognize } from '../../src/extension/notes/recognize';
import { headingTargets } from '../../src/extension/notes/targets';
import { activatedApi, runningSystem, until } from './helpers';

const REVEAL_PART = 'ntlab.views.revealPart';

async function corpusFile(name: string): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the demo workspace is open');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, '..', 'test', 'fixtures', 'corpus', name));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

const lineOf = (doc: vscode.TextDocument, text: string): number => {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(text)) return i;
  throw new Error(`no line with ${text}`);
};

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

async function hoverAt(doc: vscode.TextDocument, lineText: string, word: string): Promise<string> {
  const line = lineOf(doc, lineText);
  const col = doc.lineAt(line).text.indexOf(word) + 1;
  return hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, col)));
}

async function lenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
  return vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
}

/** The lens count recognition promises for a file: each heading with a topic, one lens per target. */
function expectedLensCount(doc: vscode.TextDocument): number {
  return recognize(doc.getText()).headings.reduce((n, h) => n + (h.entryId ? headingTargets(h.entryId).length : 0), 0);
}

suite('Notes nobody wrote for the simulation', () => {
  test('English blog notes: hovers on its terms, a lens on each topic heading, Handles opens the handles node', async () => {
    await runningSystem();
    const doc = await corpusFile('unseen-en-blog-process-internals.md');
    assert.match(await hoverAt(doc, 'executive process** object', 'EPROCESS'), /\*\*EPROCESS\*\*/);
    assert.match(await hoverAt(doc, 'The **PEB** is the one exception', 'PEB'), /\*\*PEB\*\*/);
    assert.match(await hoverAt(doc, 'Image File Execution Options', 'Image File'), /Image File Execution Options/);
    assert.match(await hoverAt(doc, 'AssignProcessToJobObject()', 'AssignProcessToJobObject'), /Job objects/);
    assert.equal(await hoverAt(doc, 'A process is a container', 'container'), '', 'no hover on an ordinary word');

    const all = await lenses(doc);
    assert.equal(all.length, expectedLensCount(doc));
    // Each of the four topic headings (Windows Process, Handles & tokens, Process creation, Jobs) has a lens.
    for (const h of ['## 🖥️ Windows Process', '## 🔑 Handles & tokens', '## 🚀 Process creation', '## 📦 Jobs']) {
      assert.ok(all.some((l) => l.range.start.line === lineOf(doc, h)), `a lens on ${h}`);
    }
    const on = (text: string) => all.filter((l) => l.range.start.line === lineOf(doc, text)).map((l) => l.command!);
    assert.deepEqual(on('## 🚀 Process creation')[0]?.arguments, [{}]);
    assert.equal(on('## 🚀 Process creation')[0]?.command, Commands.openProcessCreationPanel);
    assert.ok(on('## 📦 Jobs').some((c) => c.command === 'ntlab.jobs.focus'), 'Jobs opens the Jobs view');
    const handles = on('## 🔑 Handles & tokens').find((c) => c.command === REVEAL_PART);
    assert.equal((handles?.arguments?.[0] as { part: string }).part, 'handles');
    const nodeId = await vscode.commands.executeCommand<string | undefined>(REVEAL_PART, ...(handles!.arguments ?? []));
    assert.match(nodeId ?? '', /^p:\d+\/handles$/, 'the handles node of a process is revealed');
    await vscode.commands.executeCommand('ntlab.jobs.focus');
  });

  test('Chinese blog notes: hovers inside Chinese sentences, lenses on 0x-numbered and bold headings', async () => {
    await runningSystem();
    const doc = await corpusFile('unseen-zh-0x-blog-进程结构.md');
    assert.match(await hoverAt(doc, '进程打开的每个内核对象都在句柄表里', '句柄表'), /\*\*Handles\*\*/);
    assert.match(await hoverAt(doc, '访问令牌（token）决定了', '访问令牌'), /\*\*Access token\*\*/);
    assert.match(await hoverAt(doc, '作业对象可以把多个进程', '作业对象'), /\*\*Job objects\*\*/);
    assert.match(await hoverAt(doc, '所有进程的EPROCESS通过ActiveProcessLinks', 'ActiveProcessLinks'), /\*\*EPROCESS\*\*/);

    const all = await lenses(doc);
    assert.equal(all.length, expectedLensCount(doc));
    assert.ok(all.length >= 6, `${all.length} lenses`);
    const on = (text: string) => all.filter((l) => l.range.start.line === lineOf(doc, text)).map((l) => l.command!);
    assert.equal((on('## 0x02 句柄表和令牌').find((c) => c.command === REVEAL_PART)?.arguments?.[0] as { part: string }).part, 'handles');
    assert.ok(on('## 0x04 作业').some((c) => c.command === 'ntlab.jobs.focus'));
    assert.equal((on('**线程：**').find((c) => c.command === REVEAL_PART)?.arguments?.[0] as { part: string }).part, 'threads');
  });

  test('held-out notes: ordinary words get no hover; kernel objects hover as the object manager, not as handles', async () => {
    await runningSystem();
    const en = await corpusFile('heldout-en-fundamentals-ch2-ch3.md');
    assert.match(await hoverAt(en, 'are all kernel objects owned', 'kernel objects'), /\*\*Object manager and kernel objects\*\*/);
    assert.equal(await hoverAt(en, 'I need to handle the memory chapter', 'handle'), '', 'handle in its everyday sense');
    const mem = await corpusFile('heldout-en-findings-ch5-virtual-memory.md');
    assert.equal(await hoverAt(mem, 'committed this page after', 'committed'), '', 'a git commit is no commit charge');
    assert.match(await hoverAt(mem, 'gives the commit back', 'commit back'), /\*\*Commit charge\*\*/);
    const zh = await corpusFile('heldout-zh-ch2-系统结构笔记.md');
    assert.equal(await hoverAt(zh, '读书会的作业', '的作业'), '', 'homework is no job object');
    assert.match(await hoverAt(zh, '下一章看进程和作业', '进程和作业'), /Chapter 3/);
  });

  test('fresh Chinese notes: headings in any form get their lens (pool, modelled now, too); a concept the simulation does not model gets a hover that says so and no lens', async () => {
    await runningSystem();
    const doc = await corpusFile('fresh-zh-zhihu-第5章内存管理.md');
    const pool = await hoverAt(doc, '驱动用 ExAllocatePoolWithTag', 'ExAllocatePoolWithTag');
    assert.match(pool, /\*\*(Pool \(kernel-mode heaps\)|内存池（分页池、非分页池）)\*\*/);
    // Pool is modelled (the System node): its hover says where it shows, not that it is missing.
    assert.doesNotMatch(pool, /Not simulated here|模拟中没有这一部分/);
    assert.match(pool, /System node|“系统”节点/);
    const superFetch = await hoverAt(doc, 'SuperFetch（现在叫 SysMain）', 'SuperFetch');
    assert.match(superFetch, /Not simulated here; the nearest thing the simulation shows is |模拟中没有这一部分；最接近的是模拟中的/);
    const all = await lenses(doc);
    assert.equal(all.length, expectedLensCount(doc));
    const on = (text: string) => all.filter((l) => l.range.start.line === lineOf(doc, text));
    for (const h of ['## 12. AWE']) assert.equal(on(h).length, 0, `no lens on ${h}`);
    for (const h of ['## 2. 保留（Reserve）与提交（Commit）', '## 6. 缺页异常是怎么处理的？', '## 7. [VAD]', '### 9.1 页面链表及其流转', '### 4.2 分页池和非分页池']) assert.ok(on(h).length > 0, `a lens on ${h}`);
    assert.ok(on('## 6. 缺页异常是怎么处理的？').some((l) => l.command?.command === Commands.openPageFaultPanel), 'the page-fault heading opens the page-fault panel');
  });

  test('Explain Selection and Bind to a Concept are palette commands; Explain answers for any selected text', async () => {
    await activatedApi();
    const all = new Set(await vscode.commands.getCommands(true));
    assert.ok(all.has(Commands.explainSelection) && all.has(Commands.bindToConcept));
    const doc = await corpusFile('unseen-en-obsidian-memory-manager.md');
    const line = lineOf(doc, 'flushes dirty pages');
    const text = doc.lineAt(line).text;
    const range = new vscode.Range(line, text.indexOf('flushes'), line, text.indexOf('pagefile') + 'pagefile'.length);
    const ids = await vscode.commands.executeCommand<string[]>(Commands.explainSelection, doc.uri, range);
    assert.ok(ids.includes('PageLists') || ids.includes('PageFileFault'), ids.join(', '));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });
});

suite('Debugger commands written in notes', () => {
  test('a hover on `!process 0 0` offers to run it; Run here shows the output after the line and in the hover', async () => {
    const api = await activatedApi();
    await runningSystem();
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: '# Processes\n\nList them with `!process 0 0` first.\n\n0: kd> !vm\n' });
    await vscode.window.showTextDocument(doc, { preview: false });
    const before = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(2, 18)));
    assert.match(before, /0: kd> !process 0 0/);
    assert.ok(before.includes(`command:${Commands.runKdFromNotes}`) && before.includes(`command:${Commands.openKdWithLine}`), before);

    const output = await vscode.commands.executeCommand<string>(Commands.runKdFromNotes, doc.uri.toString(), 2, '!process 0 0');
    assert.match(output, /\*\*\*\* NT ACTIVE PROCESS DUMP \*\*\*\*/);
    assert.match(output, /Image: System/);
    assert.match(api.notes.resultAt(doc.uri, 2) ?? '', /NT ACTIVE PROCESS DUMP/);
    const after = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(2, 18)));
    assert.match(after, /Image: System/, 'the hover shows the whole output');

    const vm = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(4, 3)));
    assert.match(vm, /0: kd> !vm/, 'a kd> line outside blocks is a debugger command too');
  });

  test('Run in the kernel debugger opens a console and types the line into it', async () => {
    await runningSystem();
    const console = await vscode.commands.executeCommand<{ transcript(): string; onDidWrite: vscode.Event<string> } | undefined>(Commands.openKdWithLine, '!process 0 0 System');
    assert.ok(console, 'a console opened');
    await until(() => console.transcript().includes('Image: System'), console.onDidWrite, 'the console ran the line');
    assert.match(console.transcript(), /!process 0 0 System/);
  });

  test('kd> lines in an ntlab block run with the block and show their output inline', async () => {
    const api = await activatedApi();
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: ['# Processes', '', '```ntlab', 'boot', '$p = process notepad.exe', 'kd> !process 0 0 notepad.exe', 'kd> !nosuch', '```', ''].join('\n') });
    await vscode.window.showTextDocument(doc, { preview: false });
    const outcomes = await vscode.commands.executeCommand<{ line: number; error?: unknown; result?: { kind: string; lines?: string[] } }[]>(Commands.runNotesBlock, doc.uri, 2);
    assert.deepEqual(outcomes.map((o) => o.error), [undefined, undefined, undefined, undefined]);
    assert.ok(outcomes[2]!.result!.lines!.some((l) => l.includes('Image: notepad.exe')));
    assert.match(api.notes.resultAt(doc.uri, 5) ?? '', /NT ACTIVE PROCESS DUMP.*\+\d+/);
    assert.match(api.notes.resultAt(doc.uri, 6) ?? '', /No export nosuch found/);
    const hover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(5, 8)));
    assert.match(hover, /Image: notepad\.exe/);
  });
});
