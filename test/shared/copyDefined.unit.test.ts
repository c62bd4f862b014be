import { describe, expect, it } from 'vitest';
import { copyDefined } from '../../src/shared/index.js';

interface Row {
  id: string;
  mode?: string;
  enabled?: boolean;
  paths?: string;
}

describe('copyDefined', () => {
  it('copies the named fields the source defines, and no others', () => {
    const row: Row = { id: 'a' };
    copyDefined(row, { mode: 'Required', enabled: false, paths: undefined }, ['mode', 'enabled', 'paths']);
    expect(row).toStrictEqual({ id: 'a', mode: 'Required', enabled: false });
    expect('paths' in row).toBe(false);
  });

  it('leaves the target as it is without a source', () => {
    expect(copyDefined<Row, 'mode'>({ id: 'b' }, undefined, ['mode'])).toStrictEqual({ id: 'b' });
  });
});
