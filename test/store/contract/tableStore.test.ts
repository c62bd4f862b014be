import { newStore, useAzurite } from '../storeFixture.js';
import { describeStoreContract } from './storeContract.js';

const connection = useAzurite();

describeStoreContract('Table Storage (Azurite)', () => newStore(connection()));
