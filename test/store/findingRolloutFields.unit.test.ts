import { describe, expect, it } from 'vitest';
import { fromFindingEntity, toFindingEntity } from '../../src/store/findingEntity.js';
import { sampleFinding } from './storeFixture.js';

describe('finding rows: what a rollout plan reads', () => {
  it('round-trips publicNetworkAccess and the tags', () => {
    const finding = sampleFinding({ publicNetworkAccess: 'Disabled', tags: { Environment: 'Production', owner: 'alice@contoso.example' } });

    const read = fromFindingEntity(toFindingEntity(finding, 'Findings'));

    expect(read.publicNetworkAccess).toBe('Disabled');
    expect(read.tags).toEqual({ Environment: 'Production', owner: 'alice@contoso.example' });
  });

  it('keeps at most 16 KiB of tags (ARM allows 50 tags of 512-character names and 256-character values)', () => {
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${String(i).padStart(2, '0')}${'n'.repeat(510)}`, 'v'.repeat(256)]));

    const entity = toFindingEntity(sampleFinding({ tags }), 'Findings');
    const read = fromFindingEntity(entity);

    expect(String(entity.tags).length).toBeLessThanOrEqual(16 * 1024);
    const kept = Object.keys(read.tags ?? {});
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(50);
    expect(kept).toEqual(Object.keys(tags).slice(0, kept.length));
  });
});
