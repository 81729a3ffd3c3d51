// Step texts: Access tokens and privileges (Windows Internals 7e, ch. 7, "Access tokens").
import type { StepTexts } from './text';

export const TOKEN_TEXTS: StepTexts = {
  'token.open': {
    needs: ['pid', 'targetPid', 'tokenId', 'handle'],
    text: (a, l10n) => l10n.t('OpenProcessToken: process {pid} gets handle {handle} to the primary token of process {targetPid} (token id {tokenId}). The token\'s security descriptor and the integrity levels decide which rights the handle gets.', a),
  },
  'token.duplicate': {
    needs: ['pid', 'sourceTokenId', 'tokenId', 'tokenType', 'handle'],
    text: (a, l10n) => l10n.t('DuplicateTokenEx: token {sourceTokenId} is copied into a new {tokenType} token {tokenId}, and process {pid} holds it through handle {handle}. The copy keeps the user, groups and privileges; changing it does not change the original.', a),
  },
  'token.setIntegrity': {
    needs: ['pid', 'tokenId', 'from', 'to'],
    text: (a, l10n) => l10n.t('SetTokenInformation(TokenIntegrityLevel): process {pid} changes the mandatory label of token {tokenId} from {from} to {to}. Lowering is always allowed; raising it needs SeTcbPrivilege.', a),
  },
  'token.setSession': {
    needs: ['pid', 'tokenId', 'from', 'to'],
    text: (a, l10n) => l10n.t('SetTokenInformation(TokenSessionId): token {tokenId} moves from session {from} to session {to}; a process created with it will run in that session. Only callers with SeTcbPrivilege may do this.', a),
  },
  'token.adjustPrivileges': {
    needs: ['pid', 'tokenId', 'count', 'notAssigned'],
    text: (a, l10n, raw) => Number(raw.args.notAssigned) > 0
      ? l10n.t('AdjustTokenPrivileges on token {tokenId} by process {pid}: {notAssigned} of the {count} privileges asked for are not in the token. The call still returns TRUE; GetLastError says ERROR_NOT_ALL_ASSIGNED.', a)
      : typeof raw.args.enabled === 'string' && raw.args.enabled !== ''
        ? l10n.t('AdjustTokenPrivileges on token {tokenId} by process {pid}: {enabled} now enabled. A privilege the token holds counts only while it is enabled (SeDebugPrivilege for OpenProcess, for one).', a)
        : l10n.t('AdjustTokenPrivileges on token {tokenId} by process {pid}: all {count} privileges asked for are in the token and were adjusted.', a),
  },
  // Microsoft Learn, AdjustTokenPrivileges ("cannot add new privileges to the access token") and "User Rights
  // Assignment" (privileges are assigned to accounts by policy and show in tokens made at logon).
  'system.privilege': {
    needs: ['pid', 'privilege'],
    text: (a, l10n) => l10n.t('The simulation added {privilege} to the token of process {pid}, a shortcut for the lab. On Windows a running process\'s token cannot gain a privilege (AdjustTokenPrivileges only enables or disables the ones it has): an administrator assigns it to the account by policy (User Rights Assignment), and it appears in tokens created at the next logon.', a),
  },
};
