/**
 * Every app setting the enforcer reads: name, default and one-line meaning. The zod schema,
 * `local.settings.sample.json` and the README's configuration table are all checked against it.
 */
export interface SettingDoc {
  name: string;
  /** Placeholder for local.settings.sample.json (safe: never a real secret). */
  sample: string;
  meaning: string;
}

export const SETTINGS: readonly SettingDoc[] = [
  { name: 'MTLS_STORAGE_CONNECTION', sample: 'UseDevelopmentStorage=true', meaning: 'Table Storage connection string for findings (falls back to AzureWebJobsStorage).' },
  { name: 'MTLS_STORAGE_TABLE_URL', sample: '', meaning: 'Table endpoint URL (https://<account>.table.core.windows.net) used with managed identity instead of a connection string.' },
  { name: 'AzureWebJobsStorage', sample: 'UseDevelopmentStorage=true', meaning: 'Functions host storage; also used for findings when MTLS_STORAGE_CONNECTION is unset.' },
  { name: 'MTLS_TABLE_PREFIX', sample: 'Mtls', meaning: 'Prefix of every table name (letters and digits).' },
  { name: 'MTLS_EVENT_QUEUE', sample: 'mtls-events', meaning: 'Storage queue Event Grid delivers resource-write events to.' },
  { name: 'MTLS_ARM_ENDPOINT', sample: 'https://management.azure.com', meaning: 'Azure Resource Manager endpoint (sovereign clouds, or the local emulator).' },
  { name: 'MTLS_ARM_CA_CERT_PATH', sample: '', meaning: 'Extra CA certificate (PEM) to trust for ARM, e.g. the local emulator; empty in Azure.' },
  { name: 'MTLS_ARM_TOKEN', sample: '', meaning: 'Fixed bearer token for the local ARM emulator only; empty in Azure (managed identity is used).' },
  { name: 'AZURE_CLIENT_ID', sample: '', meaning: 'Client id of the user-assigned managed identity (read by DefaultAzureCredential).' },
  { name: 'MTLS_ALLOWED_MODES', sample: 'Required', meaning: 'Comma-separated clientCertMode values that pass (Required, Optional, OptionalInteractiveUser).' },
  { name: 'MTLS_EXCLUSION_PATHS_FAIL', sample: 'true', meaning: 'Whether clientCertExclusionPaths fails the control (true) or is only advice (false).' },
  { name: 'MTLS_NOT_APPLICABLE_KINDS', sample: 'workflowapp,azurecontainerapps', meaning: 'Comma-separated kind substrings reported not-applicable instead of failing.' },
  { name: 'MTLS_TAG_EXEMPTIONS', sample: 'false', meaning: 'Honour mtls-enforcer-exempt tags on apps (the exemption register is always honoured).' },
  { name: 'MTLS_EXEMPTION_TAG', sample: 'mtls-enforcer-exempt', meaning: 'Tag name read when MTLS_TAG_EXEMPTIONS is true.' },
  { name: 'MTLS_DEFAULT_MODE', sample: 'audit', meaning: 'Mode of a subscription with no settings row: off, audit (record only) or enforce (record, then revert).' },
  { name: 'MTLS_ENFORCER_OBJECT_ID', sample: '', meaning: "Object id of the enforcer's own identity: its writes are evaluated but never reverted (loop guard)." },
  { name: 'MTLS_ENFORCER_APP_ID', sample: '', meaning: "Application (client) id of the enforcer's own identity, for the loop guard." },
  { name: 'MTLS_FLAP_MAX_REVERTS', sample: '3', meaning: 'Reverts of one app within the flap window after which it is marked flapping and left alone.' },
  { name: 'MTLS_FLAP_WINDOW_MINUTES', sample: '60', meaning: 'Length of the flap window in minutes.' },
  { name: 'MTLS_CLEAR_EXCLUSION_PATHS', sample: 'false', meaning: 'Whether remediation also clears clientCertExclusionPaths (default: leave them, keep reporting).' },
  { name: 'MTLS_LEASE_SECONDS', sample: '60', meaning: "Longest a lease lasts unrenewed (s): while a per-app lease is held, one revert or own-write recording of that app runs at a time; a rollout wave's lease is renewed every third of this while the wave runs; a crashed holder's lease frees itself after this long." },
  { name: 'MTLS_PRODUCTION_TAGS', sample: 'environment,env', meaning: 'Tag names that mark an app as production for rollout plans (case-insensitive).' },
  { name: 'MTLS_PRODUCTION_VALUES', sample: 'prod,production', meaning: 'Values of those tags that mean production (case-insensitive); production apps go in the first rollout waves.' },
  { name: 'MTLS_OWNER_TAGS', sample: 'owner,team', meaning: "Tag names read, in order, for an app's owner in rollout plans and wave lists." },
  { name: 'MTLS_ROLLOUT_NOTICE_DAYS', sample: '7', meaning: 'Days between planning a rollout and its first wave (default --first-wave-at): the notice owners get.' },
  { name: 'MTLS_ROLLOUT_FAILURE_PERCENT', sample: '10', meaning: "Share of a wave's members that may fail (denied, errors) before the plan pauses itself." },
  { name: 'MTLS_ROLLOUT_SCHEDULE', sample: '0 0 * * * *', meaning: 'NCRONTAB schedule of the rollout timer, which applies due waves of plans made with --auto (default hourly).' },
  { name: 'MTLS_STORAGE_BLOB_URL', sample: '', meaning: 'Blob endpoint URL (https://<account>.blob.core.windows.net) for stored reports with managed identity (default: the table URL\'s account).' },
  { name: 'MTLS_REPORT_CONTAINER', sample: 'reports', meaning: 'Blob container where each finished sweep run\'s report is stored (runs/<runId>/report.{html,csv,json,md} and latest/).' },
  { name: 'MTLS_NOTIFY', sample: '', meaning: 'Notification channels, a JSON array of {name, type: teams|slack|webhook, url, subscriptions?, kinds?}; the URLs are secrets (never logged): make the whole setting a Key Vault reference.' },
  { name: 'MTLS_NOTIFY_DIGEST_MINUTES', sample: '5', meaning: 'At most one message per channel per this many minutes: changes in between are one digest (20 listed, a count of the rest); 0 sends at once.' },
  { name: 'MTLS_DEADLETTER_CONTAINER', sample: 'eventgrid-deadletter', meaning: 'Blob container Event Grid dead-letters undeliverable events to; the health timer counts its blobs for the dead-letter alert.' },
  { name: 'MTLS_EXEMPTION_MAX_DAYS', sample: '365', meaning: 'Longest an exemption may run, in days from when it is added.' },
  { name: 'MTLS_SUBSCRIPTIONS', sample: '', meaning: 'Comma-separated subscription ids the nightly sweep covers (empty: every active subscription the identity can read); subscriptions in mode off are skipped.' },
  { name: 'MTLS_SWEEP_SCHEDULE', sample: '0 0 2 * * *', meaning: 'NCRONTAB schedule of the nightly sweep (default 02:00 UTC daily); read by the timer trigger.' },
  { name: 'MTLS_SWEEP_QUEUE', sample: 'mtls-sweep-jobs', meaning: 'Storage queue the sweep fans out on, one message per subscription.' },
  { name: 'MTLS_STORAGE_QUEUE_URL', sample: '', meaning: 'Queue endpoint URL (https://<account>.queue.core.windows.net) for managed identity, when no connection string is set.' },
  { name: 'MTLS_API_CLIENT_CA', sample: '', meaning: 'PEM bundle of the CAs an API client certificate must chain to (X-ARR-ClientCert in Azure, the TLS peer locally); may be a Key Vault reference.' },
  { name: 'MTLS_API_CLIENT_THUMBPRINTS', sample: '', meaning: 'Comma-separated SHA-256 or SHA-1 thumbprints of API client certificates accepted without a CA (pinned); may be a Key Vault reference.' },
  { name: 'MTLS_API_CLIENT_SUBJECTS', sample: '', meaning: "Optional allow-list, ';'-separated: a client certificate must carry one of these subject RDNs (CN=sec-ops) or SANs (email:ops@contoso.com, DNS:ops.contoso.com)." },
  { name: 'MTLS_API_CERT_ROLES', sample: '', meaning: "API roles of certificate identities, ';'-separated <subject RDN or thumbprint>:<Role>[,<Role>], e.g. CN=sec-ops:Operator,ExemptionApprover." },
  { name: 'MTLS_API_AUTH', sample: 'none', meaning: 'entra: trust X-MS-CLIENT-PRINCIPAL and its app roles (only with App Service Authentication on, which strips a client-sent copy); none: ignore that header.' },
  { name: 'MTLS_API_KEY_ROLES', sample: 'Reader', meaning: 'API roles of a caller known only by a function key (or the local host key); default Reader.' },
  { name: 'MTLS_HOST_KEY', sample: 'change-me-local-key', meaning: 'Key the local host requires on its endpoints (x-functions-key header or code= query).' },
];
