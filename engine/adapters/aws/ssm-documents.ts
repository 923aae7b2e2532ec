/**
 * Deploys drbot's SSM documents (agent/documents/*.yaml) into a region before first use:
 * created when missing, updated (and made the default version) when the content differs, left
 * alone when it is the same. Content is compared by SHA-256, as SSM reports it.
 */
import { createHash } from 'node:crypto';
import {
  CreateDocumentCommand,
  DescribeDocumentCommand,
  GetDocumentCommand,
  type SSMClient,
  UpdateDocumentCommand,
  type UpdateDocumentCommandOutput,
  UpdateDocumentDefaultVersionCommand,
} from '@aws-sdk/client-ssm';
import { awsCall, awsErrorCode, mapAwsError } from './errors.js';

export interface SsmDocumentSource {
  /** Document name, e.g. `DrbotHealth`. */
  name: string;
  /** The document body as written in agent/documents. */
  content: string;
  format: 'YAML' | 'JSON';
}

export type DocumentOutcome = 'created' | 'updated' | 'unchanged';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function describe(client: SSMClient, region: string, name: string) {
  try {
    return (await client.send(new DescribeDocumentCommand({ Name: name }))).Document;
  } catch (err) {
    if (awsErrorCode(err) === 'InvalidDocument') return undefined;
    throw mapAwsError(err, `SSM DescribeDocument ${name} in ${region}`);
  }
}

/** True when `name` (drbot's or an AWS-published document) exists in the region (DescribeDocument). */
export async function documentExists(client: SSMClient, region: string, name: string): Promise<boolean> {
  return (await describe(client, region, name)) !== undefined;
}

/** True when the stored `$LATEST` body equals `doc.content` in the same format. */
async function sameContent(client: SSMClient, region: string, doc: SsmDocumentSource, hash?: string) {
  // DescribeDocument's Hash is the SHA-256 of the content as stored; compare cheaply first.
  if (hash && hash === sha256(doc.content)) return true;
  const stored = await awsCall(`SSM GetDocument ${doc.name} in ${region}`, () =>
    client.send(
      new GetDocumentCommand({ Name: doc.name, DocumentVersion: '$LATEST', DocumentFormat: doc.format }),
    ),
  );
  return stored.Content === doc.content;
}

async function ensureOne(
  client: SSMClient,
  region: string,
  doc: SsmDocumentSource,
): Promise<DocumentOutcome> {
  const existing = await describe(client, region, doc.name);
  if (!existing) {
    await awsCall(`SSM CreateDocument ${doc.name} in ${region}`, () =>
      client.send(
        new CreateDocumentCommand({
          Name: doc.name,
          Content: doc.content,
          DocumentFormat: doc.format,
          DocumentType: 'Command',
          Tags: [{ Key: 'drbot:managed', Value: 'true' }],
        }),
      ),
    );
    return 'created';
  }
  if (await sameContent(client, region, doc, existing.Hash)) return 'unchanged';
  let updated: UpdateDocumentCommandOutput;
  try {
    updated = await client.send(
      new UpdateDocumentCommand({
        Name: doc.name,
        Content: doc.content,
        DocumentFormat: doc.format,
        DocumentVersion: '$LATEST',
      }),
    );
  } catch (err) {
    // SSM normalises stored content, so a textual difference may still be the same document.
    if (awsErrorCode(err) === 'DuplicateDocumentContent') return 'unchanged';
    throw mapAwsError(err, `SSM UpdateDocument ${doc.name} in ${region}`);
  }
  const version = updated.DocumentDescription?.DocumentVersion;
  if (version) {
    await awsCall(`SSM UpdateDocumentDefaultVersion ${doc.name} in ${region}`, () =>
      client.send(new UpdateDocumentDefaultVersionCommand({ Name: doc.name, DocumentVersion: version })),
    );
  }
  return 'updated';
}

/** Creates or updates each document; returns what happened to each, by name. */
export async function ensureDocuments(
  client: SSMClient,
  region: string,
  docs: SsmDocumentSource[],
): Promise<Record<string, DocumentOutcome>> {
  const outcomes: Record<string, DocumentOutcome> = {};
  for (const doc of docs) outcomes[doc.name] = await ensureOne(client, region, doc);
  return outcomes;
}
