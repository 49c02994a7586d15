export { alternateAB, type AbOptions } from './ab-runner';
export { benchMobileNet, type MobileNetBenchOptions, type MobileNetResult } from './bench-mobilenet';
export { FULL_CONFIGS, QUICK_CONFIGS, configLabel, type BenchConfig } from './configs';
export { PeakMemory } from './memory';
export { formatTable } from './report';
export { quantile, summarize, type Timing } from './stats';
export { benchDetection, type BenchImage, type DetectionBenchOptions, type DetectionResult } from './bench-detection';
export { faceApiModelDir, faceApiOnTfjs, type FaceApi, type FaceApiDetection } from './face-api-on-tfjs';
export { DETECTION_TARGETS, OUTSIDE_NETWORK_TARGET, formatDetectionTable, formatDetectionTargets } from './report-detection';
