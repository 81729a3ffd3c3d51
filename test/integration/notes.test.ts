// Notes beside the simulation, in the real VS Code: CodeLens and hovers on a learner's notes,
// a quick fix for a slip, ntlab blocks run and stepped, diagnostics, and follow mode.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/ids';
import { activatedApi, until } from './helpers';

/** The repository's copy of the shared sample notes (the demo workspace sits in the repository). */
async function sampleNotes(): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the demo workspace is open');
  const uri = vscode.Uri.joinPath(folder.uri, '..', 'test', 'fixtures', 'user-notes-sample.md');
  const doc = await vscode.workspace.openTextDocument(uri);
  assert.equal(doc.languageId, 'markdown');
  return doc;
}

const lineOf = (doc: vscode.TextDocument, text: string): number => {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(text)) return i;
  throw new Error(`no line with ${text}`);
};

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

async function untitledNotes(content: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

suite('Notes beside the simulation', () => {
  test('CodeLens on the sample notes: Step through a stage, Show in sidebar, Run a system thread', async () => {
    await activatedApi();
    const doc = await sampleNotes();
    await vscode.window.showTextDocument(doc);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
    const on = (text: string) => lenses.filter((l) => l.range.start.line === lineOf(doc, text)).map((l) => l.command!);

    const stage3a = on('Stage3A：创建EPROCESS object');
    assert.deepEqual(stage3a.find((c) => c.command === Commands.openProcessCreationPanel)?.arguments, [{ stage: '3A' }]);
    assert.ok(stage3a.some((c) => c.command === 'ntlab.views.revealPart' && (c.arguments?.[0] as { part: string }).part === 'process'));
    assert.deepEqual(on('Stage2：').find((c) => c.command === Commands.openProcessCreationPanel)?.arguments, [{ stage: '2' }]);
    assert.deepEqual(on('**CreateProcess流程：**').find((c) => c.command === Commands.openProcessCreationPanel)?.arguments, [{}]);
    // A bold list item is emphasis, not a heading (issue 15, heading precision): no lens; its words hover.
    assert.equal(on('**The zero page thread**').length, 0, 'no lens on a bold list item');
    const threads = await untitledNotes('## The zero page thread\n\nIt zeroes free pages.\n');
    const threadLenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', threads.uri, 100);
    assert.deepEqual(threadLenses.find((l) => l.command?.command === Commands.runSystemThreadFromNotes)?.command?.arguments, ['zeroPageThread'], 'a heading about a system thread runs it');
    await vscode.window.showTextDocument(doc);
    assert.ok(on('# 内存管理介绍').some((c) => c.command === Commands.openPageFaultPanel), 'the chapter 5 heading steps through page faults');
    assert.equal(on('ShellExcute').length, 0, 'running text gets hovers, not lenses');

    // Whether the panels' commands exist yet depends on the other features; ours do.
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of [Commands.openNotesBeside, Commands.runNotesBlock, Commands.stepNotesBlock, Commands.runSystemThreadFromNotes]) assert.ok(all.has(id), id);
  });

  test('hovers explain names, offer the right spelling and show live simulated values', async () => {
    const api = await activatedApi();
    if (!api.session.system) await vscode.commands.executeCommand(Commands.startSession);
    const doc = await sampleNotes();
    const line = lineOf(doc, 'PsSetCreateProcessNofityRoutine');
    const slip = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 5));
    assert.match(hoverText(slip), /PsSetCreateProcessNotifyRoutine/);
    assert.match(hoverText(slip), /\*\*PsSetCreateProcessNotifyRoutine\*\*\?/, 'did you mean ...?');

    const eLine = lineOf(doc, 'EPROCESS等大部分结构体');
    const eprocess = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(eLine, 2)));
    const system = api.session.system!;
    const pid = system.processIds[system.processIds.length - 1]!;
    const info = system.queryProcess(pid)!;
    assert.match(eprocess, /_EPROCESS/);
    assert.ok(eprocess.includes(`UniqueProcessId`) && eprocess.includes(`"${info.imageFileName}"`), eprocess);

    const kLine = lineOf(doc, 'KPORCESS');
    const k = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(kLine, doc.lineAt(kLine).text.indexOf('KPORCESS') + 2)));
    assert.match(k, /KPROCESS/);
    assert.match(k, /DirectoryTableBase/);
  });

  test('diagnostics: slips with a quick fix, the open question, the large-page fact; the text is never changed', async () => {
    const api = await activatedApi();
    const doc = await sampleNotes();
    const before = doc.getText();
    const diags = api.notes.updateDiagnostics(doc);
    const byCode = (code: string) => diags.filter((d) => d.code === code);
    const slips = byCode('ntlab.misspelling').map((d) => doc.getText(d.range));
    for (const s of ['ShellExcute', 'win23k.sys', 'PsSetCreateProcessNofityRoutine', 'KPORCESS']) assert.ok(slips.includes(s), `${s} in ${slips.join(', ')}`);
    assert.ok(byCode('ntlab.misspelling').every((d) => d.severity === vscode.DiagnosticSeverity.Information));

    const question = byCode('ntlab.openQuestion');
    assert.equal(question.length, 1);
    assert.equal(question[0]!.range.start.line, lineOf(doc, '打个tag，P203'));
    assert.match(question[0]!.message, /Image File Execution Options/);

    const fact = byCode('ntlab.simulatedFact');
    assert.equal(fact.length, 1);
    assert.equal(fact[0]!.range.start.line, lineOf(doc, '1040MB'));
    assert.match(fact[0]!.message, /1040.*\b1\b.*\b8\b/);

    const k = byCode('ntlab.misspelling').find((d) => doc.getText(d.range) === 'KPORCESS')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, k.range);
    const fix = actions.find((a) => a.kind?.value === 'quickfix' && /KPROCESS/.test(a.title));
    assert.ok(fix?.edit, 'a quick fix offers KPROCESS');
    assert.equal(doc.getText(), before, 'nothing was edited without the user applying the fix');
  });

  test('an ntlab block runs against the session; Step runs one line; errors carry line numbers', async () => {
    const api = await activatedApi();
    const doc = await untitledNotes([
      '# Demand zero',
      '',
      '```ntlab',
      'boot',
      '$p = process notepad.exe',
      '$a = alloc $p 64K commit rw',
      'touch $a write',
      '```',
      '',
      '```ntlab',
      'lists',
      'alloc 64Q',
      '```',
    ].join('\n'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
    const run = lenses.find((l) => l.range.start.line === 2 && l.command?.command === Commands.runNotesBlock);
    assert.deepEqual(run?.command?.arguments?.[1], 2, 'Run all carries the fence line');
    assert.ok(lenses.some((l) => l.range.start.line === 2 && l.command?.command === Commands.stepNotesBlock));

    const stepped = await vscode.commands.executeCommand<{ line: number }[]>(Commands.stepNotesBlock, doc.uri, 2);
    assert.deepEqual(stepped.map((o) => o.line), [3], 'the first Step runs the first line only');
    const outcomes = await vscode.commands.executeCommand<{ line: number; error?: unknown; result?: { kind: string; pid?: number } }[]>(Commands.runNotesBlock, doc.uri, 2);
    assert.deepEqual(outcomes.map((o) => o.error), [undefined, undefined, undefined, undefined]);
    const pid = outcomes[1]!.result!.pid!;
    assert.equal(api.session.system?.queryProcess(pid)?.imageFileName, 'notepad.exe', 'the process exists in the session');
    assert.match(api.notes.resultAt(doc.uri, 6) ?? '', /demandZero/, 'the touch shows its fault');

    const bad = await vscode.commands.executeCommand<unknown[]>(Commands.runNotesBlock, doc.uri, 9);
    assert.deepEqual(bad, [], 'a block with a parse error does not run');
    const diag = vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'ntlab.parse');
    assert.equal(diag?.range.start.line, 11);
    assert.equal(diag?.severity, vscode.DiagnosticSeverity.Error);
  });

  test('follow mode reveals the heading of the stage the cursor is on', async () => {
    const api = await activatedApi();
    const doc = await sampleNotes();
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    if (!api.session.system) await vscode.commands.executeCommand(Commands.startSession);
    const system = api.session.system!;
    system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const all = system.getSteps(0, system.stepCount);
    const s3a = all.filter((s) => s.kind === 'processCreation' && s.stage === '3A').pop();
    const s2 = all.filter((s) => s.kind === 'processCreation' && (s.stage === '1' || s.stage === '2')).pop();
    assert.ok(s3a && s2, 'creation records stage steps');
    api.session.setCursor(s3a.seq);
    assert.deepEqual(api.notes.lastFollow, { uri: doc.uri.toString(), line: lineOf(doc, 'Stage3A：') });
    api.session.setCursor(s2.seq);
    assert.equal(api.notes.lastFollow?.line, lineOf(doc, `Stage${s2.stage}：`));
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc)!;
    const target = new vscode.Position(lineOf(doc, `Stage${s2.stage}：`), 0);
    // The renderer scrolls asynchronously: wait for the visible-ranges event rather than for time.
    await until(() => editor.visibleRanges.some((r) => r.contains(target)), vscode.window.onDidChangeTextEditorVisibleRanges, 'the heading is scrolled into view');
    api.session.setCursor(undefined);
  });
});
