// Step texts: Process and thread notify routines (Microsoft Learn, PsSetCreateProcessNotifyRoutineEx / PsSetCreateThreadNotifyRoutine).
import type { StepTexts } from './text';

export const NOTIFY_TEXTS: StepTexts = {
  'ps.registerProcessNotify': {
    needs: ['routine'],
    text: (a, l10n, raw) => raw.args.remove === true
      ? l10n.t('{routine} was removed with PsSetCreateProcessNotifyRoutineEx: it is no longer called when processes are created or exit.', a)
      : l10n.t('A driver registered {routine} with PsSetCreateProcessNotifyRoutineEx: it is called whenever a process is created or exits, and it may refuse a creation.', a),
  },
  'ps.registerThreadNotify': {
    needs: ['routine'],
    text: (a, l10n, raw) => raw.args.remove === true
      ? l10n.t('{routine} was removed with PsRemoveCreateThreadNotifyRoutine: it is no longer called when threads are created or exit.', a)
      : l10n.t('A driver registered {routine} with PsSetCreateThreadNotifyRoutine: it is called whenever a thread is created or exits.', a),
  },
  // Microsoft Learn, PS_CREATE_NOTIFY_INFO (CreationStatus: a driver sets an error NTSTATUS to prevent the
  // creation) and RtlNtStatusToDosError (how the Win32 layer turns it into a GetLastError code).
  'ps.notifyProcess': {
    needs: ['routine', 'pid', 'parentPid'],
    text: (a, l10n, raw) => raw.args.create !== true
      ? l10n.t('The process-notify routine {routine} is called because process {pid} is exiting.', a)
      : raw.args.denied === true
        ? l10n.t('The process-notify routine {routine} refused the creation of process {pid}: it set an error NTSTATUS in PS_CREATE_NOTIFY_INFO.CreationStatus, NtCreateUserProcess fails with that status, and CreateProcess reports it as the matching Win32 error (RtlNtStatusToDosError).', a)
        : l10n.t('The process-notify routine {routine} (registered with PsSetCreateProcessNotifyRoutineEx) is called for the new process {pid}, created by process {parentPid}; security products learn about every process this way.', a),
  },
  'ps.notifyThread': {
    needs: ['routine', 'pid', 'tid'],
    text: (a, l10n, raw) => raw.args.create === false
      ? l10n.t('The thread-notify routine {routine} is called because thread {tid} of process {pid} is exiting.', a)
      : l10n.t('The thread-notify routine {routine} (registered with PsSetCreateThreadNotifyRoutine) is called for thread {tid} of process {pid}.', a),
  },
};
