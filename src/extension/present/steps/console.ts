// Step texts: Console hosts (conhost.exe) and their clients (Microsoft Learn, "Console Handles" and "Creation of a Console").
import type { StepTexts } from './text';

export const CONSOLE_TEXTS: StepTexts = {
  'console.launchHost': {
    needs: ['pid', 'console', 'image'],
    text: (a, l10n, raw) => raw.args.window === false
      ? l10n.t('Process {pid} is a console program without a console to share: KernelBase launches {image} as its child to host console {console}, without a window (CREATE_NO_WINDOW).', a)
      : l10n.t('Process {pid} is a console program without a console to share: KernelBase launches {image} as its child to host console {console}. Since Windows 8 the console host is this conhost.exe, reached through the console driver, not CSRSS.', a),
  },
  'console.attach': {
    needs: ['pid', 'console', 'hostPid', 'clients'],
    text: (a, l10n) => l10n.t('Process {pid} attaches to console {console}, which it inherited from its creator; conhost.exe {hostPid} now serves {clients} processes. No new console host is started.', a),
  },
  'console.detach': {
    needs: ['pid', 'console', 'hostPid', 'clients'],
    text: (a, l10n, raw) => Number(raw.args.clients) === 0
      ? l10n.t('Process {pid} was the last process attached to console {console}: its host conhost.exe {hostPid} exits too.', a)
      : l10n.t('Process {pid} leaves console {console}; conhost.exe {hostPid} still serves {clients} processes.', a),
  },
};
