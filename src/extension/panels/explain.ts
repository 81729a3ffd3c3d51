// The words of the stepping panels moved to the presentation layer (src/extension/present): this
// module re-exports them for the panel host files that import from here.
export { address, hex } from '../present/format';
export type { Localizer } from '../present/localizer';
export { faultKindLabel, faultKindOf, listName, pteKindLabel, stageTitle } from '../present/names';
export { callChain, changeLabel, changeLinks, changeRefDto, explainStep, formatArg, formatArgs, hasExplanation, type StepLike } from '../present/steps';
