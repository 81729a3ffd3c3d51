// Step texts: Console hosts (conhost.exe) and their clients (Microsoft Learn, "Console Handles" and "Creation of a Console").
import type { StepTexts } from './text';

export const CONSOLE_TEXTS: StepTexts = {
  // Microsoft AskPerf blog, "Windows 7 / Windows Server 2008 R2: Console Host" (conhost.exe in the user's context
  // instead of CSRSS); FireEye, "Monitoring Windows Console Activity" (2017: condrv.sys since Windows 8).
  'console.launchHost': {
    needs: ['pid', 'console', 'image'],
    text: (a, l10n, raw) => raw.args.window === false
      ? l10n.t('Process {pid} is a console program without a console to share: {image} is started as its child process to host console {console}, without a window (CREATE_NO_WINDOW).', a)
      : l10n.t('Process {pid} is a console program without a console to share: {image} is started as its child process to host console {console}. The console host runs in the user\'s own security context (since Windows 7 console windows are no longer drawn by CSRSS), and since Windows 8 the program reaches it through the console driver, condrv.sys.', a),
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
