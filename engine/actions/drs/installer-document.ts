/**
 * The SSM Command document drs.installAgent runs: AWS's published installer document when the
 * region has it, else drbot's own, which downloads AWS's installer from the DRS region's bucket
 * and runs it unattended. drbot creates its document in a region before first use
 * (CommandsPort.ensureDocuments), so a region without AWS's document still works.
 */
import type { CommandsPort } from '../../cloud/commands.js';
import { DRS_INSTALLER_DOCUMENT } from '../../cloud/replication.js';

/** AWS's own Command document for the replication agent (parameter `Region`: where DRS runs). */
export const AWS_DRS_INSTALLER_DOCUMENT = 'AWSDisasterRecovery-InstallDRAgentOnInstance';

export const DRS_INSTALLER_CONTENT = `schemaVersion: '2.2'
description: Installs the AWS Elastic Disaster Recovery replication agent (drbot drs.installAgent).
parameters:
  Region:
    type: String
    description: The region DRS replicates to (the recovery region).
    allowedPattern: '^[a-z]{2}(-[a-z]+)+-\\d$'
mainSteps:
  - action: aws:runShellScript
    name: installDrsAgent
    precondition: { StringEquals: [platformType, Linux] }
    inputs:
      timeoutSeconds: '3600'
      runCommand:
        - set -eu
        - cd /tmp
        - curl -fsSLo aws-replication-installer-init "https://aws-elastic-disaster-recovery-{{ Region }}.s3.{{ Region }}.amazonaws.com/latest/linux/aws-replication-installer-init"
        - chmod +x aws-replication-installer-init
        - ./aws-replication-installer-init --region {{ Region }} --no-prompt
`;

export const DRS_INSTALLER = {
  name: DRS_INSTALLER_DOCUMENT,
  content: DRS_INSTALLER_CONTENT,
  format: 'YAML' as const,
};

/**
 * The installer document to run in `region`: AWS's when DescribeDocument finds it there, else
 * drbot's (created or updated first where the provider deploys documents). Both take `Region`.
 */
export async function installerDocument(
  cloud: Pick<CommandsPort, 'documentExists' | 'ensureDocuments'>,
  region: string,
): Promise<{ name: string; publishedByAws: boolean }> {
  if (cloud.documentExists && (await cloud.documentExists(region, AWS_DRS_INSTALLER_DOCUMENT)))
    return { name: AWS_DRS_INSTALLER_DOCUMENT, publishedByAws: true };
  if (cloud.ensureDocuments) await cloud.ensureDocuments(region, [DRS_INSTALLER]);
  return { name: DRS_INSTALLER_DOCUMENT, publishedByAws: false };
}
