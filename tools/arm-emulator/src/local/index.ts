export { narrative } from './narrative.js';
export { reportUrl } from './narrative.js';
export { startLocalStack } from './startLocalStack.js';
