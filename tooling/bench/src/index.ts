export { alternateAB, type AbOptions } from './ab-runner';
export { benchMobileNet, type MobileNetBenchOptions, type MobileNetResult } from './bench-mobilenet';
export { FULL_CONFIGS, QUICK_CONFIGS, configLabel, type BenchConfig } from './configs';
export { PeakMemory } from './memory';
export { formatTable } from './report';
export { quantile, summarize, type Timing } from './stats';
