export { startLocalHost, type LocalHost, type LocalHostOptions } from './localHost.js';
