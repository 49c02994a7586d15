export { cpuBackend, registerCpuBackend, type CpuBackendOptions } from './cpu-backend';
