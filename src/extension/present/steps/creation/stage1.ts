// Step texts: CreateProcess, stage 1: Convert and validate parameters and flags, and the other ways in (CreateProcessAsUser, ShellExecuteEx, AppX activation) (Windows Internals 7e, ch. 3, "Flow of CreateProcess").
import type { StepTexts } from '../text';

export const STAGE1_TEXTS: StepTexts = {
  'create.parameters': {
    needs: ['image', 'commandLine', 'currentDirectory'],
    text: (a, l10n) => l10n.t('RtlCreateProcessParametersEx builds the RTL_USER_PROCESS_PARAMETERS for {image}: the command line {commandLine}, the current directory {currentDirectory}, the environment and the console settings. They are copied into the new process later (stage 3E).', a),
  },
  'create.debug': {
    needs: ['debuggerPid'],
    text: (a, l10n, raw) => raw.args.onlyThisProcess === true
      ? l10n.t('DEBUG_ONLY_THIS_PROCESS was given: the creator connects to the debugging subsystem (DbgUiConnectToDbg), so process {debuggerPid} debugs the new process, but not the processes it creates.', a)
      : l10n.t('DEBUG_PROCESS was given: the creator connects to the debugging subsystem (DbgUiConnectToDbg), so process {debuggerPid} debugs the new process and the processes it creates.', a),
  },
  'create.runBatch': {
    needs: ['script', 'interpreter', 'commandLine'],
    text: (a, l10n) => l10n.t('{script} is a batch file, not a PE image: CreateProcessInternalW starts over with {interpreter} as the image and the command line {commandLine}.', a),
  },
  'create.ifeo': {
    needs: ['image', 'debugger', 'commandLine'],
    text: (a, l10n) => l10n.t('The registry key HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options has a subkey named after the file name of {image}, with a Debugger value: {debugger}. So the debugger runs instead, with the original command line as its argument: {commandLine}.', a),
  },
  'create.failed': {
    needs: ['image', 'error'],
    text: (a, l10n) => l10n.t('CreateProcess of {image} failed with Win32 error {error} (what GetLastError returns); anything already built for it is torn down.', a),
  },
  'create.asUser': {
    needs: ['image', 'user', 'sessionId', 'integrity'],
    text: (a, l10n, raw) => raw.args.integrity === ''
      ? l10n.t('CreateProcessAsUserW: {image} will run with the token of {user} in session {sessionId}, not with the creator\'s token. The rest of the flow is the same as for CreateProcess.', a)
      : l10n.t('CreateProcessAsUserW: {image} will run with the token of {user} in session {sessionId} (integrity level {integrity}), not with the creator\'s token. The rest of the flow is the same as for CreateProcess.', a),
  },
  'shell.execute': {
    needs: ['file', 'verb', 'command'],
    text: (a, l10n, raw) => raw.args.verb === ''
      ? l10n.t('ShellExecuteExW looks up the default verb of {file} in the file associations of the registry and runs the command found there: {command}. That ends in CreateProcess.', a)
      : l10n.t('ShellExecuteExW looks up the verb {verb} of {file} in the file associations of the registry and runs the command found there: {command}. That ends in CreateProcess.', a),
  },
  'appx.activate': {
    needs: ['appUserModelId', 'packageFullName', 'image'],
    text: (a, l10n) => l10n.t('The packaged app {appUserModelId} (package {packageFullName}) is activated with ActivateApplication rather than a plain CreateProcess: {image} is created with the package identity as a process attribute, so it runs in its AppContainer.', a),
  },
  'create.validate': {
    needs: ['image', 'flags', 'priorityClass'],
    text: (a, l10n) => l10n.t('CreateProcessInternalW converts and validates the parameters for {image}: creation flags {flags}, priority class {priorityClass} (Normal unless asked otherwise; Realtime without the privilege becomes High).', a),
  },
  'create.native': {
    needs: ['image', 'commandLine', 'creatorPid'],
    text: (a, l10n) => l10n.t('RtlCreateUserProcess starts {image} for process {creatorPid} with the command line {commandLine}: it builds the process parameters and calls NtCreateUserProcess directly. This is how the system starts its own processes (the kernel starts smss; smss starts its session copies, csrss, wininit and winlogon): no kernel32, no CreateProcessInternalW, and no call to CSRSS in stage 5.', a),
  },
};
