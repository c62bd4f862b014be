import type { MemberState, PlanStatus, RolloutMemberRecord, RolloutPlanRecord, RolloutWaveRecord, WaveStatus } from '../model/index.js';
import { InvalidInputError } from '../errors.js';
import type { Status } from '../policy/index.js';
import type { Tier } from '../rollout/index.js';
import { decodeKey, encodeKey } from './encodeKey.js';
import { definedProperties, readBoolean, readJson, readNumber, readString, withoutUndefined, type StoredEntity } from './entityFields.js';
import { checkEntity, truncateText, type EntityValue } from './entityLimits.js';
import type { EntityKeys } from './findingEntity.js';

/** Row keys inside a plan's partition: `!plan` sorts first, then waves by number, then members. */
export const PLAN_ROW = '!plan';
/** Row key ranges [from, to) of a partition's wave rows and member rows ('.' follows '-'). */
export const WAVE_ROWS = { from: 'wave-', to: 'wave.' } as const;
export const MEMBER_ROWS = { from: 'app-', to: 'app.' } as const;
const waveRow = (n: number) => `${WAVE_ROWS.from}${String(n).padStart(5, '0')}`;
const memberRow = (key: string) => `${MEMBER_ROWS.from}${encodeKey(key)}`;

type Entity = EntityKeys & Record<string, EntityValue>;

export function planKey(planId: string): string {
  if (!/^[A-Za-z0-9._-]{1,80}$/.test(planId)) throw new InvalidInputError(`rollout plan id ${JSON.stringify(planId.slice(0, 100))} must be letters, digits, . _ - (at most 80)`);
  return planId;
}

function entity(table: string, partitionKey: string, rowKey: string, properties: Record<string, EntityValue | undefined>): Entity {
  const defined = definedProperties(properties);
  checkEntity(table, partitionKey, rowKey, defined);
  return { ...defined, partitionKey, rowKey };
}

export function toPlanEntity(p: RolloutPlanRecord, table: string): Entity {
  return entity(table, planKey(p.id), PLAN_ROW, {
    createdAt: p.createdAt, createdBy: p.createdBy, subscriptions: JSON.stringify(p.subscriptions), waveSize: p.waveSize, everyMs: String(p.everyMs), // as text: beyond Int32 after 24 days
    auto: p.auto, status: p.status, statusReason: p.statusReason === undefined ? undefined : truncateText(p.statusReason), updatedAt: p.updatedAt,
    noticesGivenAt: p.noticesGivenAt,
  });
}

export function toWaveEntity(w: RolloutWaveRecord, table: string): Entity {
  return entity(table, planKey(w.planId), waveRow(w.number), {
    number: w.number, notBefore: w.notBefore, size: w.size, status: w.status, appliedBy: w.appliedBy, startedAt: w.startedAt, finishedAt: w.finishedAt,
    counts: w.counts && JSON.stringify(w.counts),
  });
}

export function toMemberEntity(m: RolloutMemberRecord, table: string): Entity {
  return entity(table, planKey(m.planId), memberRow(m.key), {
    wave: m.wave, resourceId: m.resourceId, subscriptionId: m.subscriptionId, resourceGroup: m.resourceGroup, name: m.name, tier: m.tier, owner: m.owner,
    internetExposed: m.internetExposed, production: m.production, state: m.state, status: m.status,
    detail: m.detail === undefined ? undefined : truncateText(m.detail), guarded: m.guarded, updatedAt: m.updatedAt,
  });
}

export function fromPlanEntity(e: StoredEntity): RolloutPlanRecord {
  return withoutUndefined<RolloutPlanRecord>({
    id: e.partitionKey ?? '', createdAt: readString(e, 'createdAt') ?? '', createdBy: readString(e, 'createdBy') ?? '',
    subscriptions: readJson<string[]>(e, 'subscriptions', []), waveSize: readNumber(e, 'waveSize') ?? 0, everyMs: Number(readString(e, 'everyMs') ?? 0),
    auto: readBoolean(e, 'auto') ?? false, status: (readString(e, 'status') ?? 'active') as PlanStatus, statusReason: readString(e, 'statusReason'),
    updatedAt: readString(e, 'updatedAt') ?? '', noticesGivenAt: readString(e, 'noticesGivenAt'),
  });
}

export function fromWaveEntity(e: StoredEntity): RolloutWaveRecord {
  return withoutUndefined<RolloutWaveRecord>({
    planId: e.partitionKey ?? '', number: readNumber(e, 'number') ?? 0, notBefore: readString(e, 'notBefore') ?? '', size: readNumber(e, 'size') ?? 0,
    status: (readString(e, 'status') ?? 'pending') as WaveStatus, appliedBy: readString(e, 'appliedBy'), startedAt: readString(e, 'startedAt'),
    finishedAt: readString(e, 'finishedAt'), counts: readJson<RolloutWaveRecord['counts']>(e, 'counts', undefined),
  });
}

export function fromMemberEntity(e: StoredEntity): RolloutMemberRecord {
  return withoutUndefined<RolloutMemberRecord>({
    planId: e.partitionKey ?? '', wave: readNumber(e, 'wave') ?? 0, key: decodeKey((e.rowKey ?? '').slice(MEMBER_ROWS.from.length)),
    resourceId: readString(e, 'resourceId') ?? '', subscriptionId: readString(e, 'subscriptionId') ?? '', resourceGroup: readString(e, 'resourceGroup') ?? '',
    name: readString(e, 'name') ?? '', tier: readNumber(e, 'tier') as Tier | undefined, owner: readString(e, 'owner'),
    internetExposed: readBoolean(e, 'internetExposed'), production: readBoolean(e, 'production'), state: (readString(e, 'state') ?? 'pending') as MemberState,
    status: readString(e, 'status') as Status | undefined, detail: readString(e, 'detail'), guarded: readBoolean(e, 'guarded'), updatedAt: readString(e, 'updatedAt'),
  });
}

export const isWaveRow = (rowKey: string | undefined): boolean => !!rowKey?.startsWith(WAVE_ROWS.from);
export const isMemberRow = (rowKey: string | undefined): boolean => !!rowKey?.startsWith(MEMBER_ROWS.from);
