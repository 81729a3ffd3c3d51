// Localized messages for the parsers' error codes, and input boxes that validate as you type.
import * as vscode from 'vscode';
import type { ParseError, ParseResult } from './parse';

export function parseErrorMessage(error: ParseError): string {
  switch (error.code) {
    case 'empty': return vscode.l10n.t('Enter a value.');
    case 'syntax': return vscode.l10n.t('"{0}" is not a number. Use decimal (65536) or hexadecimal with 0x (0x10000).', error.detail ?? '');
    case 'negative': return vscode.l10n.t('Negative values are not allowed here.');
    case 'tooLarge': return vscode.l10n.t('The value is too large.');
    case 'zero': return vscode.l10n.t('The size must be greater than zero.');
    case 'needsHexPrefix': return vscode.l10n.t('"{0}" looks hexadecimal: write it as 0x{0}.', error.detail ?? '');
    case 'unknownName': return vscode.l10n.t('Unknown flag "{0}".', error.detail ?? '');
    case 'notInteger': return vscode.l10n.t('"{0}" is not a whole number of bytes.', error.detail ?? '');
    case 'belowMinimum': return vscode.l10n.t('The maximum may not be below the minimum ({0}).', error.detail ?? '');
    case 'missingValue': return vscode.l10n.t('"{0}" is needed for the limit you chose.', error.detail ?? '');
    case 'oddHexDigits': return vscode.l10n.t('Hex bytes come in pairs of digits ("{0}" has an odd count).', error.detail ?? '');
  }
}

/** Asks for a value, validating each keystroke with `parse`; undefined when cancelled. */
export async function askParsed<T>(parse: (text: string) => ParseResult<T>, options: { title: string; prompt: string; value?: string; placeHolder?: string }): Promise<T | undefined> {
  const text = await vscode.window.showInputBox({
    title: options.title, prompt: options.prompt, value: options.value, placeHolder: options.placeHolder, ignoreFocusOut: true,
    validateInput: (t) => {
      const r = parse(t);
      return r.ok ? undefined : { message: parseErrorMessage(r.error), severity: vscode.InputBoxValidationSeverity.Error };
    },
  });
  if (text === undefined) return undefined;
  const r = parse(text);
  return r.ok ? r.value : undefined;
}
