export { chunk } from './chunk.js';
export { forEachLimited } from './forEachLimited.js';
