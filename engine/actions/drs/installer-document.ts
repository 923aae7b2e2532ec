/**
 * drbot's SSM Command document for the DRS replication agent: it downloads AWS's published
 * installer from the DRS region's bucket and runs it unattended. drbot creates the document in a
 * region before first use (CommandsPort.ensureDocuments), so a region without AWS's own
 * installer document still works.
 */
import { DRS_INSTALLER_DOCUMENT } from '../../cloud/replication.js';

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
