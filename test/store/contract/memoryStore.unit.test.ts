import { createMemoryStore } from '../../../src/store/index.js';
import { describeStoreContract } from './storeContract.js';

describeStoreContract('memory store', () => createMemoryStore());
