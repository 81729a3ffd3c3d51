// Engine-private: the Machine behind a System. The public System (system.ts: the DESIGN.md §3 contract
// and the queries views use) hands out no machine; engine modules that must see the whole state — the
// object layouts dt shows (ps/layouts.ts), saving and loading sessions (session/serialize.ts), the
// integrity checker (integrity.ts) — reach it through machineOf. src/engine/index.ts does not export
// this module and src/extension may not import it (eslint.config.mjs); tests use src/engine/testing.ts.
export { machineOf } from './system';
export { Machine } from './machine';
