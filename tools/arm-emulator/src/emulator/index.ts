/** The ARM emulator: the subset of Azure Resource Manager the enforcer uses, over HTTPS, for tests, the demo and benchmarks. */
export { startEmulator, type Emulator } from './emulator.js';
export { EmulatorState, type EmulatorOptions, type WriteRequest } from './state.js';
export { makeEmulatorToken, staticTokenCredential, emulatorCredential, callerFromAuthorization, type EmulatorCaller, type TokenIdentity } from './token.js';
export { agentTrusting, trustExtraCaPolicy } from '../../../../src/azure/index.js';
export { demoFleet, DEMO_SUBSCRIPTIONS } from './demoFleet.js';
export { generateFleet, generatedSubscriptionId, type GenerateOptions } from './generateFleet.js';
export { runEmulatorCommand, EMULATOR_USAGE, type EmulatorCommandIo } from './cli.js';
export { AZURE_LIMITS, type ThrottleLimits } from './throttle.js';
export type { FaultKind, FaultRule, RandomFaults, FaultDecider, FaultOptions, FaultRequest } from './faults.js';
export type { FleetSeed, SiteSeed, SlotSeed, SubscriptionSeed } from './seed.js';
export type { WebhookSubscription, DeliveryStats, DeliveryOptions } from './webhooks.js';
export type { EmulatorEvent, EventSchemaName } from './eventShapes.js';
export type { RecordedWrite, StatsSnapshot } from './stats.js';
export { siteId } from './resource.js';
export { EMULATOR_WRITE_USAGE, runEmulatorWrite } from './writeCommand.js';
