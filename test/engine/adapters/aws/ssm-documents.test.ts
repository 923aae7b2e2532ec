import { createHash } from 'node:crypto';
import {
  CreateDocumentCommand,
  DescribeDocumentCommand,
  GetDocumentCommand,
  UpdateDocumentCommand,
  UpdateDocumentDefaultVersionCommand,
} from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { awsError, mockedProvider } from './aws-test-helpers.js';

const doc = {
  name: 'DrbotHealth',
  content: 'schemaVersion: "2.2"\ndescription: drbot health\nmainSteps: []\n',
  format: 'YAML' as const,
};
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('AwsCloudProvider ensureDocuments', () => {
  let ctx = mockedProvider();
  afterEach(() => {
    ctx.ssm.restore();
    ctx = mockedProvider();
  });

  it('creates a document that does not exist', async () => {
    ctx.ssm
      .on(DescribeDocumentCommand)
      .rejects(awsError('InvalidDocument', 'Document with name DrbotHealth does not exist.'));
    ctx.ssm.on(CreateDocumentCommand).resolves({});

    const outcome = await ctx.provider.ensureDocuments('us-west-2', [doc]);

    expect(outcome).toEqual({ DrbotHealth: 'created' });
    expect(ctx.ssm.commandCalls(CreateDocumentCommand)[0]?.args[0].input).toMatchObject({
      Name: 'DrbotHealth',
      Content: doc.content,
      DocumentFormat: 'YAML',
      DocumentType: 'Command',
    });
    expect(ctx.ssm.commandCalls(UpdateDocumentCommand)).toHaveLength(0);
  });

  it('updates $LATEST and makes the new version the default when the content differs', async () => {
    ctx.ssm.on(DescribeDocumentCommand).resolves({ Document: { Name: 'DrbotHealth', Hash: sha('old') } });
    ctx.ssm.on(GetDocumentCommand).resolves({ Content: 'old' });
    ctx.ssm.on(UpdateDocumentCommand).resolves({ DocumentDescription: { DocumentVersion: '3' } });
    ctx.ssm.on(UpdateDocumentDefaultVersionCommand).resolves({});

    const outcome = await ctx.provider.ensureDocuments('us-west-2', [doc]);

    expect(outcome).toEqual({ DrbotHealth: 'updated' });
    expect(ctx.ssm.commandCalls(UpdateDocumentCommand)[0]?.args[0].input).toMatchObject({
      Name: 'DrbotHealth',
      Content: doc.content,
      DocumentVersion: '$LATEST',
    });
    expect(ctx.ssm.commandCalls(UpdateDocumentDefaultVersionCommand)[0]?.args[0].input).toEqual({
      Name: 'DrbotHealth',
      DocumentVersion: '3',
    });
  });

  it('does nothing when the stored content is the same', async () => {
    ctx.ssm
      .on(DescribeDocumentCommand)
      .resolves({ Document: { Name: 'DrbotHealth', Hash: sha(doc.content) } });

    const outcome = await ctx.provider.ensureDocuments('us-west-2', [doc]);

    expect(outcome).toEqual({ DrbotHealth: 'unchanged' });
    expect(ctx.ssm.commandCalls(CreateDocumentCommand)).toHaveLength(0);
    expect(ctx.ssm.commandCalls(UpdateDocumentCommand)).toHaveLength(0);
  });

  it('treats DuplicateDocumentContent from UpdateDocument as unchanged', async () => {
    ctx.ssm.on(DescribeDocumentCommand).resolves({ Document: { Name: 'DrbotHealth', Hash: 'normalised' } });
    ctx.ssm.on(GetDocumentCommand).resolves({ Content: 'reformatted by SSM' });
    ctx.ssm.on(UpdateDocumentCommand).rejects(awsError('DuplicateDocumentContent'));

    const outcome = await ctx.provider.ensureDocuments('us-west-2', [doc]);

    expect(outcome).toEqual({ DrbotHealth: 'unchanged' });
    expect(ctx.ssm.commandCalls(UpdateDocumentDefaultVersionCommand)).toHaveLength(0);
  });
});
