import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_ROLLOUT, loadConfig, NOTIFICATION_KINDS } from '../../src/config/index.js';

const base = { MTLS_STORAGE_CONNECTION: 'UseDevelopmentStorage=true' };

describe('loadConfig', () => {
  it('applies safe defaults when only storage is set', () => {
    const config = loadConfig(base);

    expect(config.arm.endpoint).toBe('https://management.azure.com');
    expect(config.policy.allowedModes).toEqual(['Required']);
    expect(config.policy.exclusionPathsFail).toBe(true);
    expect(config.policy.tagExemptions).toBe(false);
    expect(config.policy.notApplicableKinds).toEqual(['workflowapp', 'azurecontainerapps']);
    expect(config.storage.tablePrefix).toBe('Mtls');
    expect(config.storage.eventQueue).toBe('mtls-events');
  });

  it('gives the rollout defaults, the ones deps without rollout settings use, and reads each rollout setting', () => {
    const defaults = loadConfig(base).rollout;
    const set = loadConfig({
      ...base, MTLS_PRODUCTION_TAGS: 'stage', MTLS_PRODUCTION_VALUES: 'live', MTLS_OWNER_TAGS: 'contact',
      MTLS_ROLLOUT_NOTICE_DAYS: '3', MTLS_ROLLOUT_FAILURE_PERCENT: '25', MTLS_ROLLOUT_SCHEDULE: '0 30 * * * *',
    }).rollout;

    expect(defaults).toEqual(DEFAULT_ROLLOUT);
    expect(DEFAULT_ROLLOUT).toEqual({ productionTags: ['environment', 'env'], productionValues: ['prod', 'production'], ownerTags: ['owner', 'team'], noticeDays: 7, failureThreshold: 0.1, schedule: '0 0 * * * *' });
    expect(set).toEqual({ productionTags: ['stage'], productionValues: ['live'], ownerTags: ['contact'], noticeDays: 3, failureThreshold: 0.25, schedule: '0 30 * * * *' });
  });

  it('reads lists, booleans and trims endpoints', () => {
    const config = loadConfig({
      ...base,
      MTLS_ALLOWED_MODES: 'Required, Optional',
      MTLS_EXCLUSION_PATHS_FAIL: 'false',
      MTLS_TAG_EXEMPTIONS: '1',
      MTLS_ARM_ENDPOINT: 'https://management.usgovcloudapi.net/',
    });

    expect(config.policy.allowedModes).toEqual(['Required', 'Optional']);
    expect(config.policy.exclusionPathsFail).toBe(false);
    expect(config.policy.tagExemptions).toBe(true);
    expect(config.arm.endpoint).toBe('https://management.usgovcloudapi.net');
  });

  it('falls back to AzureWebJobsStorage for findings', () => {
    const config = loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' });

    expect(config.storage.connectionString).toBe('UseDevelopmentStorage=true');
  });

  it('prefers the table URL (managed identity) over the host connection string', () => {
    const config = loadConfig({ AzureWebJobsStorage: 'x', MTLS_STORAGE_TABLE_URL: 'https://acct.table.core.windows.net' });

    expect(config.storage.connectionString).toBeUndefined();
    expect(config.storage.tableUrl).toBe('https://acct.table.core.windows.net');
  });

  it('names every problem in one error', () => {
    const bad = {
      MTLS_ALLOWED_MODES: 'Required,Sometimes',
      MTLS_EXCLUSION_PATHS_FAIL: 'maybe',
      MTLS_ARM_ENDPOINT: 'http://insecure.example',
      MTLS_TABLE_PREFIX: '9bad-prefix',
      MTLS_HOST_KEY: 'short',
    };

    let error: unknown;
    try {
      loadConfig(bad);
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['MTLS_ALLOWED_MODES', 'MTLS_EXCLUSION_PATHS_FAIL', 'MTLS_ARM_ENDPOINT', 'MTLS_TABLE_PREFIX', 'MTLS_HOST_KEY', 'MTLS_STORAGE_CONNECTION']) {
      expect(problems).toContain(name);
    }
    expect((error as ConfigError).message).toMatch(/^invalid configuration:/);
  });

  it('checks queue and container names and notification kinds, naming the rule', () => {
    const channel = { name: 'ops', type: 'webhook', url: 'https://hooks.example/x' };
    const config = loadConfig({ ...base, MTLS_NOTIFY: JSON.stringify([{ ...channel, kinds: [...NOTIFICATION_KINDS] }]) });
    expect(config.notify.channels[0]?.kinds).toEqual([...NOTIFICATION_KINDS]);
    expect(config.reports.container).toBe('reports');
    expect(config.sweep.queue).toBe('mtls-sweep-jobs');

    const problemsOf = (env: Record<string, string>): string => {
      try {
        loadConfig({ ...base, ...env });
      } catch (e) {
        return (e as ConfigError).problems.join('\n');
      }
      return '';
    };
    expect(problemsOf({ MTLS_NOTIFY: JSON.stringify([{ ...channel, kinds: ['drift-detected', 'coffee-break'] }]) })).toMatch(/MTLS_NOTIFY.*each kind must be one of drift-detected,/);
    expect(problemsOf({ MTLS_REPORT_CONTAINER: 'Bad--Name' })).toMatch(/MTLS_REPORT_CONTAINER.*a blob container name/);
    expect(problemsOf({ MTLS_SWEEP_QUEUE: 'x' })).toMatch(/MTLS_SWEEP_QUEUE.*a storage queue name/);
  });
});
