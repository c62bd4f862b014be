// The domain model the enforcer owns: what a finding and its history are, who a caller is, and the
// ports (interfaces) the use cases need. Adapters (src/store, src/azure) implement these; they never
// import the use cases. Pure types only: this folder imports nothing of ours but src/policy and src/rollout.
export type * from './caller.js';
export type * from './finding.js';
export type * from './ports.js';
export type * from './rolloutPorts.js';
