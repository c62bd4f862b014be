import type { TokenCredential } from '@azure/core-auth';
import { isRestError } from '@azure/core-rest-pipeline';
import type { ContainerClient } from '@azure/storage-blob';
import { PermissionError } from '../errors.js';
import { mapTableError } from './mapTableError.js';

/** One rendered artifact of a run's report: `report.<extension>`. */
export interface ReportFile {
  extension: string;
  text: string;
  contentType: string;
}

/** How to reach the reports container: a connection string, or an account URL with a credential. */
export interface ReportBlobsOptions {
  container: string;
  connectionString?: string;
  /** `https://{account}.blob.core.windows.net`, with a credential (managed identity). */
  accountUrl?: string;
  credential?: TokenCredential;
}

/** Stored reports (Blob Storage): `runs/<runId>/report.<ext>`, written once each, and a copy under `latest/`. */
export interface ReportBlobs {
  /** Writes the files that are not there yet (never overwrites: If-None-Match *); returns how many this call wrote. */
  putRun(runId: string, files: readonly ReportFile[]): Promise<number>;
  /** Replaces `latest/` with these files unless it already holds this run or a newer one; true when it wrote. */
  putLatest(runId: string, files: readonly ReportFile[]): Promise<boolean>;
  /** A stored artifact's text, or undefined when that run has none. */
  get(runId: string, extension: string): Promise<string | undefined>;
  /** Where a run's files are (the folder's URL), for messages and logs. */
  location(runId: string): string;
}

const RUN_ID_META = 'runid';

export function createReportBlobs(options: ReportBlobsOptions): ReportBlobs {
  let ready: Promise<ContainerClient> | undefined;
  const container = (): Promise<ContainerClient> => {
    ready ??= openContainer(options).catch((err: unknown) => {
      ready = undefined;
      throw toBlobError(err, `open container ${options.container}`);
    });
    return ready;
  };
  return {
    async putRun(runId, files) {
      const client = await container();
      let written = 0;
      for (const file of files) if (await upload(client, `runs/${runId}/report.${file.extension}`, file, runId, true)) written++;
      return written;
    },
    async putLatest(runId, files) {
      const client = await container();
      const current = await latestRunId(client, files[0]?.extension ?? 'json');
      // Run ids sort newest first as text: a smaller id is a newer run.
      if (current !== undefined && current <= runId) return false;
      for (const file of files) await upload(client, `latest/report.${file.extension}`, file, runId, false);
      return true;
    },
    async get(runId, extension) {
      const client = await container();
      try {
        const buffer = await client.getBlockBlobClient(`runs/${runId}/report.${extension}`).downloadToBuffer();
        return buffer.toString('utf8');
      } catch (err) {
        if (isRestError(err) && err.statusCode === 404) return undefined;
        throw toBlobError(err, `read report of run ${runId}`);
      }
    },
    location(runId) {
      const base = options.accountUrl ?? blobEndpointOf(options.connectionString ?? '') ?? 'blob:';
      return `${base.replace(/\/$/, '')}/${options.container}/runs/${runId}/`;
    },
  };
}

async function openContainer(options: ReportBlobsOptions): Promise<ContainerClient> {
  const { BlobServiceClient } = await import('@azure/storage-blob');
  let service;
  if (options.connectionString) service = BlobServiceClient.fromConnectionString(options.connectionString);
  else if (options.accountUrl && options.credential) service = new BlobServiceClient(options.accountUrl, options.credential);
  else throw new Error('stored reports need a connection string, or a blob account URL and a credential');
  const client = service.getContainerClient(options.container);
  await client.createIfNotExists();
  return client;
}

/** Uploads one blob; with `once`, only if it does not exist yet (false when someone wrote it first). */
async function upload(client: ContainerClient, name: string, file: ReportFile, runId: string, once: boolean): Promise<boolean> {
  try {
    await client.getBlockBlobClient(name).upload(file.text, Buffer.byteLength(file.text), {
      blobHTTPHeaders: { blobContentType: file.contentType },
      metadata: { [RUN_ID_META]: runId },
      ...(once ? { conditions: { ifNoneMatch: '*' } } : {}),
    });
    return true;
  } catch (err) {
    if (once && isRestError(err) && (err.statusCode === 409 || err.statusCode === 412)) return false;
    throw toBlobError(err, `write ${name}`);
  }
}

async function latestRunId(client: ContainerClient, extension: string): Promise<string | undefined> {
  try {
    const properties = await client.getBlockBlobClient(`latest/report.${extension}`).getProperties();
    return properties.metadata?.[RUN_ID_META];
  } catch (err) {
    if (isRestError(err) && err.statusCode === 404) return undefined;
    throw toBlobError(err, 'read latest/');
  }
}

const BLOB_ACTION = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write (role Storage Blob Data Contributor)';

/** Storage failures mean the same for blobs as for tables (transient, permission, permanent); the message says blob. */
function toBlobError(err: unknown, context: string): Error {
  const mapped = mapTableError(err, context);
  if (mapped === err) return mapped;
  const message = mapped.message.replace(/^Table Storage/, 'Blob Storage');
  if (mapped instanceof PermissionError) return new PermissionError(`Blob Storage refused ${context}: grant ${BLOB_ACTION}`, BLOB_ACTION, { cause: err });
  mapped.message = message;
  return mapped;
}

function blobEndpointOf(connectionString: string): string | undefined {
  if (/UseDevelopmentStorage=true/i.test(connectionString)) return 'http://127.0.0.1:10000/devstoreaccount1';
  const endpoint = /BlobEndpoint=([^;]+)/i.exec(connectionString)?.[1];
  if (endpoint) return endpoint;
  const account = /AccountName=([^;]+)/i.exec(connectionString)?.[1];
  const suffix = /EndpointSuffix=([^;]+)/i.exec(connectionString)?.[1] ?? 'core.windows.net';
  return account ? `https://${account}.blob.${suffix}` : undefined;
}
