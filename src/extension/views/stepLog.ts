// The "NT Lab" log channel's record of the steps: one line per step (seq, stage, kernel routine,
// code and arguments) as operations run, at most a screenful per operation.
import * as vscode from 'vscode';
import type { Step, StepArgValue } from '../../engine';
import { hex } from '../present/format';
import type { SimulationSession } from '../session';

const MAX_LINES_PER_OPERATION = 40;

function arg(v: StepArgValue): string {
  return typeof v === 'bigint' ? hex(v) : String(v);
}

/** `#1234 [3B] MmCreateProcessAddressSpace create.addressSpace pid=1234 directoryTableBase=...` */
export function stepLine(step: Step): string {
  const args = Object.entries(step.args).map(([k, v]) => `${k}=${arg(v)}`).join(' ');
  return `#${step.seq}${step.stage ? ` [${step.stage}]` : ''} ${step.routine} ${step.code}${args ? ' ' + args : ''}`;
}

export function registerStepLog(context: vscode.ExtensionContext, session: SimulationSession, log: vscode.LogOutputChannel): void {
  context.subscriptions.push(session.onDidRecordSteps((e) => {
    const system = session.system;
    if (!system) return;
    const shown = Math.min(e.toSeq - e.fromSeq, MAX_LINES_PER_OPERATION);
    for (const step of system.getSteps(e.fromSeq, e.fromSeq + shown)) log.info(stepLine(step));
    if (e.toSeq - e.fromSeq > shown) log.info(vscode.l10n.t('… and {0} more steps (up to #{1}).', e.toSeq - e.fromSeq - shown, e.toSeq - 1));
  }));
}
