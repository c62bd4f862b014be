export { chunk } from './chunk.js';
export { copyDefined } from './copyDefined.js';
export { forEachLimited } from './forEachLimited.js';
