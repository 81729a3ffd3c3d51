// The one Localizer of the presentation layer: the slice of `vscode.l10n` that present/ and the tree
// models use. The host injects `vscode.l10n` itself; unit tests and the benchmark inject
// `plainLocalizer` (English, placeholders filled the way vscode.l10n fills them), so nothing under
// present/ imports `vscode` (eslint.config.mjs enforces it).

/** A value a message placeholder takes. */
export type L10nArg = string | number | boolean;

/**
 * `t(message, ...positional)` fills `{0}`, `{1}`...; `t(message, { name })` fills `{name}`
 * (the two forms of vscode.l10n.t, https://code.visualstudio.com/api/references/vscode-api#l10n).
 */
export interface Localizer {
  t(message: string, ...args: L10nArg[] | [Record<string, L10nArg>]): string;
}

/** Fills `{0}` / `{name}` placeholders as vscode.l10n.t does; an unknown placeholder stays as written. */
export function formatMessage(message: string, args: readonly L10nArg[] | [Record<string, L10nArg>]): string {
  const first = args[0];
  const named = args.length === 1 && typeof first === 'object' && first !== null ? first : undefined;
  return message.replace(/\{(\w+)\}/g, (whole, key: string) => {
    if (named) return Object.prototype.hasOwnProperty.call(named, key) ? String(named[key]) : whole;
    const i = /^\d+$/.test(key) ? Number(key) : -1;
    return i >= 0 && i < args.length ? String(args[i]) : whole;
  });
}

/** English, untranslated: for unit tests, the benchmark and anything outside VS Code. */
export const plainLocalizer: Localizer = { t: (message, ...args) => formatMessage(message, args) };
