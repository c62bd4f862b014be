import { z } from 'zod';

/** What a notification says happened: a channel's `kinds` filter on it (the outbox rows carry one). */
export const NOTIFICATION_KINDS = ['drift-detected', 'drift-reverted', 'flapping', 'remediation-denied', 'sweep-finished', 'exemption-expiring', 'wave-notice', 'wave-result'] as const;

/** A webhook URL: https, or http to this machine only (a local receiver). Never echoed in errors: it is a secret. */
const webhookUrl = z.string().refine((v) => {
  try {
    const url = new URL(v);
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
  } catch {
    return false;
  }
}, 'url must be an https URL (http only to localhost)');

const channelSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'name: lowercase letters, digits and hyphens, at most 40'),
  type: z.enum(['teams', 'slack', 'webhook'], { error: 'type must be teams, slack or webhook' }),
  url: webhookUrl,
  subscriptions: z.array(z.string().regex(/^[0-9a-f-]{36}$/i, 'each subscription must be a GUID')).optional(),
  kinds: z.array(z.enum(NOTIFICATION_KINDS, { error: `each kind must be one of ${NOTIFICATION_KINDS.join(', ')}` })).optional(),
});

export type NotifyChannel = z.infer<typeof channelSchema>;

/** MTLS_NOTIFY: a JSON array of channels (the whole setting may be a Key Vault reference). */
export const notifyChannelsSchema = z.preprocess((v) => {
  if (typeof v !== 'string' || v.trim() === '') return [];
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return 'not JSON';
  }
}, z.array(channelSchema, { error: 'MTLS_NOTIFY must be a JSON array of {name, type, url, subscriptions?, kinds?}' }).refine((list) => new Set(list.map((c) => c.name)).size === list.length, 'channel names must be unique'));
