// Priority classes and KPROCESS.BasePriority: the value each class gives a process's threads, and the
// order in which several given classes are resolved. Windows Internals 7e ch. 4, "Thread scheduling"
// ("Windows scheduling APIs", Table 4-1 of the Windows priority classes).
import {
  ABOVE_NORMAL_PRIORITY_CLASS, BELOW_NORMAL_PRIORITY_CLASS, HIGH_PRIORITY_CLASS, IDLE_PRIORITY_CLASS, NORMAL_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS,
} from '../constants';

/** KPROCESS.BasePriority for each priority class. */
export const PRIORITY_CLASS_BASE: Record<number, number> = {
  [IDLE_PRIORITY_CLASS]: 4, [BELOW_NORMAL_PRIORITY_CLASS]: 6, [NORMAL_PRIORITY_CLASS]: 8,
  [ABOVE_NORMAL_PRIORITY_CLASS]: 10, [HIGH_PRIORITY_CLASS]: 13, [REALTIME_PRIORITY_CLASS]: 24,
};
// Lowest first: when several classes are given, the lowest wins.
export const PRIORITY_ORDER = [IDLE_PRIORITY_CLASS, BELOW_NORMAL_PRIORITY_CLASS, NORMAL_PRIORITY_CLASS, ABOVE_NORMAL_PRIORITY_CLASS, HIGH_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS];
export const ALL_PRIORITY_FLAGS = PRIORITY_ORDER.reduce((a, b) => a | b, 0);
