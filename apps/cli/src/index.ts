export { main } from './main';
export { COMMANDS } from './commands';
export { defineCommand, type Command, type CommandArgs, type CommandDef, type FlagSpec, type FlagSpecs, type FlagValues, type PositionalSpec } from './command';
export { booleanFlag, choiceFlag, numberFlag, type NumberRule } from './flags';
export { UsageError } from './usage-error';
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliIo, type TextSink } from './io';
export { MODEL_FLAGS, buildMobileNet, modelLabel, modelOptionsFromFlags, type ModelFlagValues } from './model-options';
// The Table 1 listing moved to core (listLayers); the old name stays for existing users.
export { listLayers as listModel, type LayerListing, type ModelListing } from '@mobilenet-kit/core';
export { paperReport, type PaperReport, type PaperTable, type ModelRow, type LayerTypeRow } from './paper/report';
export { compareFigure, parsePrinted, type FigureComparison, type Tolerance } from './paper/compare';
export { renderTable, type Column } from './format/table';
export { formatCount, formatInteger, formatMillions, formatPercent } from './format/numbers';
export { VERSION } from './version';
