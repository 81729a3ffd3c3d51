// Test-only entry to the engine's internals: unit tests, the fuzzer and the bench inspect and drive
// the Machine behind a System (its memory manager, process objects, operation log) directly. Not part
// of the public engine (src/engine/index.ts); src/extension may not import it (eslint.config.mjs).
export { machineOf, Machine } from './system/internal';
