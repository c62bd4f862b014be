import type { TokenCredential } from '@azure/core-auth';
import type { SubscriptionClientOptionalParams } from '@azure/arm-resources-subscriptions';
import { mapArmError } from './mapArmError.js';
import { ARM_ACTIONS } from './requiredActions.js';
import { trustExtraCaPolicy } from './trustExtraCa.js';

export interface ReadableSubscription {
  subscriptionId: string;
  displayName?: string;
  /** Enabled, Warned, PastDue, Disabled or Deleted. */
  state?: string;
}

export interface SubscriptionLister {
  /** Every subscription the identity can read (Reader or any role with `Microsoft.Resources/subscriptions/read`). */
  listSubscriptions(): AsyncIterable<ReadableSubscription>;
}

export interface SubscriptionListerOptions {
  endpoint: string;
  credential: TokenCredential;
  caCertPem?: string;
}

/** States in which a subscription's resources still run and can drift. */
const ACTIVE_STATES = new Set(['enabled', 'warned', 'pastdue']);

/** Whether a subscription in this state still runs apps worth sweeping (unknown state: yes). */
export const isActiveSubscription = (s: ReadableSubscription): boolean => !s.state || ACTIVE_STATES.has(s.state.toLowerCase());

/** Subscription discovery over `@azure/arm-resources-subscriptions`, loaded on first use. */
export function createSubscriptionLister(options: SubscriptionListerOptions): SubscriptionLister {
  return {
    async *listSubscriptions() {
      const { SubscriptionClient } = await import('@azure/arm-resources-subscriptions');
      const clientOptions: SubscriptionClientOptionalParams = { endpoint: options.endpoint, credentialScopes: [`${options.endpoint}/.default`] };
      if (options.caCertPem) clientOptions.additionalPolicies = [{ policy: trustExtraCaPolicy(options.caCertPem), position: 'perCall' }];
      const client = new SubscriptionClient(options.credential, clientOptions);
      try {
        for await (const s of client.subscriptions.list()) {
          if (!s.subscriptionId) continue;
          yield { subscriptionId: s.subscriptionId.toLowerCase(), ...(s.displayName ? { displayName: s.displayName } : {}), ...(s.state ? { state: s.state } : {}) };
        }
      } catch (err) {
        throw mapArmError(err, ARM_ACTIONS.readSubscription);
      }
    },
  };
}
