/**
 * `@mobilenet-kit/core/node`: reading and writing model folders on disk
 * (Node only; the browser-safe encoder and decoder are in the main entry).
 */
export { saveModel, type SaveModelOptions, type SavedModel } from './save-model';
export { loadModel, type LoadModelOptions, DEFAULT_MAX_MODEL_JSON_BYTES } from './load-model';
export { nodeModelFs, type ModelFs } from './model-fs';
export { writeFileAtomic } from './atomic-write';
export { fileKind, checkRegularFile, readRegularFile, inputFileError, InputFileError, type InputFileProblem, type RegularFileOptions } from './file-kind';
export { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, CHECKPOINT_JSON_FILE, CheckpointError, checkpointExists, loadCheckpoint, OPTIMIZER_FILE, recoverCheckpointDir, saveCheckpoint, type Checkpoint, type CheckpointState, type RmsPropState } from './checkpoint';
export { checkOutputDir, ensureOutputDir, mkdirLevels, OutputPathError } from './output-dir';
