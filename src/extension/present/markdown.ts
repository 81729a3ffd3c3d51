// Simulation strings (image, section, job, file and handle names, user names...) enter the sidebar's
// markdown tooltips only through these helpers (issue 19 item 9): a name must render as the text it
// is, never as a link, an image (a remote load), HTML or a table break. The providers also render
// the tooltips with isTrusted and supportHtml false (views/providers.ts).
//
// CommonMark: any ASCII punctuation may be backslash-escaped and then renders literally
// (https://spec.commonmark.org/0.31.2/#backslash-escapes); inside a code span nothing is parsed, and
// a span opened by N backticks ends only at a run of exactly N (#code-spans). In a GFM table a `|`
// ends the cell even in a code span unless escaped (https://github.github.com/gfm/#tables-extension-).

/** Line breaks and other control characters become spaces: a name stays on its line (and table row). */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
}

/**
 * A simulation string as plain markdown text: the punctuation that can start markup escaped
 * (emphasis, code, links and images, HTML and autolinks, entities, table cells, headings,
 * strikethrough), a backslash that would escape what follows, and `://` and `www.` broken so GFM
 * does not autolink them. Other text stays as it is (`explorer.exe`, `LAB\Student`, `C:\Windows`).
 */
export function mdText(text: string): string {
  return oneLine(text)
    .replace(/\\(?=[!-/:-@[-`{-~])|[`*_[\]()<>!|&~#{}]|:(?=\/\/)/g, '\\$&')
    .replace(/(www)\./gi, '$1\\.');
}

/**
 * A simulation string as an inline code span, as the tooltips show names. A name a code span cannot
 * hold as it is (a backtick or a `|`) is shown as escaped plain text instead.
 */
export function mdCode(text: string): string {
  const line = oneLine(text);
  if (/[`|]/.test(line) || line.trim() === '') return mdText(line);
  return `\`${line}\``;
}
