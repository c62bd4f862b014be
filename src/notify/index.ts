export { sendNotifications, type SenderDeps, type SendSummary } from './sendNotifications.js';
export { buildDigest, itemLine, wants, DIGEST_LIMIT, KIND_TITLES, type Digest, type DigestItem } from './digest.js';
export { teamsPayload, slackPayload, webhookPayload, payloadFor } from './renderPayload.js';
export { postMessage, type PostOptions, type PostResult } from './postMessage.js';
export { sampleItems } from './sampleItems.js';
