export * from './insupc-simulator';
export * from './simulator-config';
export type { Scenario } from './scenario';
export type { InstanceStatsSnapshot } from './instance-stats';
export type { SimulatorLogger } from './simulator-logger';
