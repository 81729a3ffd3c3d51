// The typed dispatch shared by the executive's replayable call records (ps/calls.ts: processes,
// threads, jobs, tokens, debugging; ps/sectionCalls.ts: files, sections, views, cross-process copies):
// one handler per kind of a union discriminated by `call`, the handler's own return type being that
// kind's result, so `system.psCall({ call: 'createThread', ... })` is `{ handle, tid }` with no cast.
// The operation path (system/machine.ts) logs the record and calls `apply` inside the operation.
import { ERROR_INVALID_PARAMETER } from '../constants';
import { LastError } from '../errors';

/** A record of one call: a union discriminated by its `call` field. */
export interface CallRecord { call: string }

/** One handler per kind of `C`, each taking the context arguments `Ctx` and then the record of its kind. */
export type CallHandlers<C extends CallRecord, Ctx extends unknown[]> = {
  [K in C['call']]: (...args: [...Ctx, Extract<C, { call: K }>]) => unknown;
};

/** What each kind of call returns, read off its handler. */
export type CallResults<T> = { [K in keyof T]: T[K] extends (...args: never[]) => infer R ? R : never };

/** A call table: its kinds, the kind guard the API boundary validates with, and the dispatch. */
export interface CallTable<C extends CallRecord, Ctx extends unknown[], T extends CallHandlers<C, Ctx>> {
  readonly handlers: T;
  /** Every kind, in table order (validation, and tests that cover every kind). */
  readonly kinds: ReadonlyArray<C['call']>;
  /** True when `call` names a kind of this table (own keys only: '__proto__' or 'toString' are not calls). */
  isKind(call: unknown): call is C['call'];
  /** Runs the handler of `c`'s kind; an unknown kind is ERROR_INVALID_PARAMETER. */
  apply<X extends C>(...args: [...Ctx, X]): CallResults<T>[X['call']];
}

/**
 * Defines a call table for the union `C` with context arguments `Ctx`:
 * `defineCalls<PsCall, [ProcessManager]>()({ boot: (pm) => ..., ... })`. Curried so the union and the
 * context are named while the handlers' result types are inferred; a missing kind is a compile error.
 */
export function defineCalls<C extends CallRecord, Ctx extends unknown[]>() {
  return <T extends CallHandlers<C, Ctx>>(handlers: T): CallTable<C, Ctx, T> => {
    const isKind = (call: unknown): call is C['call'] => typeof call === 'string' && Object.prototype.hasOwnProperty.call(handlers, call);
    return {
      handlers,
      kinds: Object.keys(handlers) as Array<C['call']>,
      isKind,
      apply<X extends C>(...args: [...Ctx, X]): CallResults<T>[X['call']] {
        const c = args[args.length - 1] as X;
        if (!isKind(c.call)) throw new LastError(ERROR_INVALID_PARAMETER);
        const handler = handlers[c.call as keyof T] as (...a: unknown[]) => CallResults<T>[X['call']];
        return handler(...args);
      },
    };
  };
}
