// The launcher lives in tools/arm-emulator/src/local (local mode uses it too); tests import it from here.
export * from '../../tools/arm-emulator/src/local/azurite.js';
