/** The checkpoint folder lives in core (`@mobilenet-kit/core/node`), shared by every head's trainer. */
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  CHECKPOINT_JSON_FILE,
  CheckpointError,
  checkpointExists,
  loadCheckpoint,
  OPTIMIZER_FILE,
  recoverCheckpointDir,
  saveCheckpoint,
  type Checkpoint,
  type CheckpointState,
} from '@mobilenet-kit/core/node';
