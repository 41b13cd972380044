/**
 * Record linkage: Fellegi–Sunter probabilistic matching of agency records to people.
 * Pure functions, no I/O. See types.ts for the contract with the identification module.
 */
export type * from './types.ts';
export { train, link, explain, decide, probabilityOf, comparePartition, linkPartitions, encodePartition, decodePartition, type LinkOptions, type TrainingOptions, type PartitionPairs } from './link.ts';
export { linkThreaded } from './threads.ts';
export { DEFAULT_THRESHOLDS } from './model.ts';
export { DEFAULT_RULES, type BlockingRule, type BlockingOptions } from './blocking.ts';
export { FIELDS, LEVEL_NAMES } from './levels.ts';
