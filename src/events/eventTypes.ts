import type { KnownSystemEventTypes } from '@azure/eventgrid';

// Typed against the SDK's list of system events, so a misspelt name fails to compile.
export const RESOURCE_WRITE_SUCCESS: KnownSystemEventTypes = 'Microsoft.Resources.ResourceWriteSuccess';
export const RESOURCE_DELETE_SUCCESS: KnownSystemEventTypes = 'Microsoft.Resources.ResourceDeleteSuccess';
export const SUBSCRIPTION_VALIDATION: KnownSystemEventTypes = 'Microsoft.EventGrid.SubscriptionValidationEvent';
