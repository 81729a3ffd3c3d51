// Precision on ordinary words (issue 15: "no hover on ordinary words"). Words such as commit,
// token, executive, privilege, job, heap, section, handle, thread, object, view, page, 保留, 提交,
// 作业, 令牌, 对象, 句柄, 视图 have everyday senses. In prose about cooking, travel, stock markets,
// git or contracts they must get no hover and no lens; in notes about Windows they name the kernel
// concept only where the context confirms it (a heading about the topic, a kernel term in the same
// sentence, a code span, the structure's own spelling, or the kernel sense's collocation).
import { describe, expect, it } from 'vitest';
import { recognize, termAt, type Recognition } from '../../src/extension/notes/recognize';

/** What a hover would show anywhere in the text: every term, and every open question with a topic. */
function hovers(r: Recognition): string[] {
  const out = r.terms.map((t) => `${t.line}:${t.text}->${t.entryId}`);
  for (const q of r.questions) if (q.entryId) out.push(`${q.line}:question->${q.entryId}`);
  return out;
}

/** Every hover position of every line, as the editor asks (termAt per character). */
function hoverByPointer(text: string): string[] {
  const r = recognize(text);
  const lines = text.split('\n');
  const out = new Set<string>();
  lines.forEach((l, line) => {
    for (let c = 0; c <= l.length; c++) { const t = termAt(r, line, c); if (t) out.add(`${line}:${t.text}`); }
  });
  return [...out];
}

const ENGLISH: Record<string, string> = {
  cooking: `# Sunday cooking

## Braised beef

Hold the pan by the handle and let the onions sweat. Thread the rosemary onto a skewer, then cut the
beef into sections the size of a thumb. The executive chef at my old job kept a heap of bay leaves by
the stove; it was his privilege to taste first. Turn the page of the recipe book: the view from the
oven window tells you when the crust is done. Commit to the slow heat - two hours, no peeking.
The object is a sauce thick enough to coat a spoon. Threads of saffron go in last.`,
  travel: `## Travel plans: stage 2 of the trip

We commit to the night train; the ticket is a paper token with a seat number. Stage 3 is a ferry.
The hotel gave us a privileged view of the harbour and a loyalty token for the bar. My job on the
trip is the map, and my brother will handle the luggage. There is a section of the old town where a
single thread of lanterns hangs over the street. Page through the guide for the opening hours.`,
  stocks: `### Stock market notes

The executive board announced a buyback; the stock jumped 4% and the section of the market that
tracks chips followed. Traders commit capital early; one analyst's view is that the rally is a heap
of hype. A crypto token fell by half. Jobs data comes out Friday: a strong jobs report means the Fed
holds rates. I handle the portfolio myself and keep a thread of notes on every trade. The object of
the exercise is a steady page of gains. Committing to a stop-loss is a privilege of discipline.`,
  git: `## Git workflow

Write one commit per change and keep the commit message short. Before you commit, run the tests; a
CI job checks every push. Tokens for the API live in a secrets vault, never in the repository. The
review thread on each pull request is where the discussion happens. Use \`git commit --amend\` to
fix the last commit, and \`git log --oneline\` to view the history. A page in the wiki lists the SCM
conventions. We handle merge conflicts by hand. Prefetch the dependencies with \`npm ci\`. The
object store keeps every blob.`,
  legal: `## Legal terms

Section 4.2 of the agreement: the executive officer may not assign the contract without consent.
Attorney-client privilege covers the notes; the privileges of the parties survive termination. Each
party commits to confidentiality for a period of three years. The job of the arbitrator is to view
the evidence; the object of the clause is to handle disputes without court. A token payment of one
dollar closes the deal. See the page titled "Schedule A" for the full thread of obligations.`,
};

const CHINESE: Record<string, string> = {
  cooking: `# 周末做饭

## 红烧肉

先把锅柄握稳，肉切成小段。老师傅说这是他的特权：第一口先尝。汤汁收到一半时保留一小碗备用。
菜谱翻到下一页，对象是一锅浓稠的酱汁。做完把照片提交到美食群里，算是交了作业。`,
  travel: `## 旅行计划：第二阶段

第二阶段坐夜车去海边，车票上印着一个令牌编号。酒店给我们保留了海景视图的房间。
孩子的寒假作业还没写完，旅行结束前要提交。景区门口的对象是一位卖糖葫芦的大爷。`,
  stocks: `### 股市笔记

执行董事会宣布回购，股价上涨4%。分析师的观点（视图）是这轮上涨是泡沫。
我保留了一半仓位；提交的委托单还没成交。加密令牌跌了一半。交易对象是蓝筹股，这个句柄式的图形叫杯柄形态。`,
  git: `## Git 工作流

每次修改提交一次，提交信息要短。提交前先跑测试，CI 作业会检查每次推送。
令牌放在密钥库里，不要提交到仓库。代码评审的讨论都在一个线索里。查看历史用 \`git log\` 视图。
对象存储里保存每个 blob。`,
  legal: `## 合同条款

第4.2条：执行人未经同意不得转让合同。律师与当事人的特权在合同终止后继续有效。
双方保留追诉的权利。仲裁人的作业是审阅证据，条款的对象是在法庭外解决争议。请把签字页提交给法务部。`,
};

describe('ordinary words get no hover', () => {
  for (const [topic, text] of Object.entries(ENGLISH)) {
    it(`English prose about ${topic}: no hover, no heading lens`, () => {
      const r = recognize(text);
      expect(hovers(r)).toEqual([]);
      expect(hoverByPointer(text)).toEqual([]);
      expect(r.headings.filter((h) => h.entryId).map((h) => `${h.text}->${h.entryId}`)).toEqual([]);
    });
  }
  for (const [topic, text] of Object.entries(CHINESE)) {
    it(`Chinese prose about ${topic}: no hover, no heading lens`, () => {
      const r = recognize(text);
      expect(hovers(r)).toEqual([]);
      expect(hoverByPointer(text)).toEqual([]);
      expect(r.headings.filter((h) => h.entryId).map((h) => `${h.text}->${h.entryId}`)).toEqual([]);
    });
  }

  it('inside notes about Windows, an ordinary-sense paragraph under its own heading gets no hover', () => {
    const text = [
      '# Windows Internals notes',
      '',
      '## Virtual memory',
      '',
      'VirtualAlloc can reserve and commit in one call; a commit is charged against the commit limit.',
      '',
      '## Misc',
      '',
      'I commit these notes to git every evening, and the reading group gave us a job for the weekend.',
      'My brother will handle the printing; the token for the wiki expires Friday.',
      '',
      '## 杂项',
      '',
      '这周末要把读书会的作业提交上去，顺便保留一份打印稿。',
    ].join('\n');
    const r = recognize(text);
    const lineOf = (s: string) => text.split('\n').findIndex((l) => l.includes(s));
    const on = (s: string) => r.termsOnLine(lineOf(s)).map((t) => `${t.text}->${t.entryId}`);
    expect(on('I commit these notes')).toEqual([]);
    expect(on('My brother will handle')).toEqual([]);
    expect(on('读书会的作业')).toEqual([]);
    // The kernel sense, in a section about memory, next to VirtualAlloc.
    expect(on('VirtualAlloc can reserve')).toEqual(expect.arrayContaining(['commit->Commit', 'commit limit->Commit', 'VirtualAlloc->VirtualAlloc']));
  });

  it('the kernel sense is still recognized where the context confirms it', () => {
    const text = [
      '## Threads',
      '',
      'Each thread has a TEB; a thread is scheduled, not a process.',
      '',
      '## Virtual memory',
      '',
      'Reserve first, then commit only what you touch.',
      '',
      '## Security',
      '',
      'The access token holds the privileges; `token` is also the name of the dt type, written TOKEN.',
      'A handle to a job object, a section object and a commit charge: collocations need no heading.',
      '',
      '## 作业',
      '',
      '作业可以限制进程数。',
    ].join('\n');
    const r = recognize(text);
    const lineOf = (s: string) => text.split('\n').findIndex((l) => l.includes(s));
    const ids = (s: string) => r.termsOnLine(lineOf(s)).map((t) => `${t.text}->${t.entryId}`);
    expect(ids('Each thread has a TEB')).toEqual(['thread->Thread', 'TEB->TEB', 'thread->Thread']);
    expect(ids('Reserve first')).toEqual(['commit->Commit']);
    expect(ids('The access token holds')).toEqual(expect.arrayContaining(['access token->AccessToken', 'privileges->AccessToken', 'token->AccessToken', 'TOKEN->AccessToken']));
    expect(ids('A handle to a job object')).toEqual(expect.arrayContaining(['job object->Jobs', 'section object->CreateFileMapping', 'commit charge->Commit']));
    expect(ids('作业可以限制进程数')).toEqual(['作业->Jobs']);
  });
});
