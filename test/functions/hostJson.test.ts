import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WINDOW_MAX_EVENTS } from '../../src/enforcer/index.js';
import { MAX_DEQUEUE_COUNT } from '../../src/triggers/index.js';

const host = JSON.parse(readFileSync(new URL('../../host.json', import.meta.url), 'utf8')) as {
  version: string;
  extensionBundle: { id: string; version: string };
  extensions: { queues: { messageEncoding: string; maxPollingInterval: string; maxDequeueCount: number; batchSize: number } };
};

describe('host.json', () => {
  it('uses the Functions v4 extension bundle range', () => {
    expect(host.version).toBe('2.0');
    expect(host.extensionBundle).toEqual({ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' });
  });

  it('reads queue messages as Event Grid writes them (base64) and polls at most every 2 s', () => {
    expect(host.extensions.queues.messageEncoding).toBe('base64');
    expect(host.extensions.queues.maxPollingInterval).toBe('00:00:02');
  });

  it('poisons after the attempt count the queue handler reports', () => {
    expect(host.extensions.queues.maxDequeueCount).toBe(MAX_DEQUEUE_COUNT);
  });

  it('hands over at once what closes an event window: a full batch is worked without waiting', () => {
    expect(host.extensions.queues.batchSize).toBe(WINDOW_MAX_EVENTS);
  });
});
