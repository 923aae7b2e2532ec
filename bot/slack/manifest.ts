/**
 * The Slack app manifest for drbot: paste it into "Create New App → From an app manifest" and
 * the app has the `/dr` command, interactivity (the Approve / Reject / Abort buttons), the
 * scopes drbot calls, and Socket Mode or the request URL. Generated, so it matches the code:
 * every scope here is one a Web API call in bot/ needs.
 */

/** Web API methods drbot calls, and the scope each needs. */
export const SCOPES: Record<string, string> = {
  commands: 'the /dr slash command',
  'chat:write': 'status messages, threads, approval messages (chat.postMessage, chat.update, postEphemeral)',
  'usergroups:read': 'who is in an approver group (usergroups.users.list)',
  'files:write': 'the weekly RTO trend chart (files.uploadV2)',
};

export interface ManifestOptions {
  /** Public base URL of `drbot serve` or the API Gateway (HTTP mode), e.g. https://drbot.example.com */
  url?: string;
  /** Socket Mode: no public URL; the app connects out with an app token (xapp-…). */
  socketMode?: boolean;
  /** @default drbot */
  name?: string;
}

export function slackManifest(options: ManifestOptions): Record<string, unknown> {
  const socket = options.socketMode === true;
  const endpoint = socket
    ? undefined
    : `${(options.url ?? 'https://<your-host>').replace(/\/+$/, '')}/slack/events`;
  const withUrl = (o: Record<string, unknown>) => (endpoint ? { ...o, url: endpoint } : o);
  return {
    display_information: {
      name: options.name ?? 'drbot',
      description: 'Disaster-recovery drills, failover and failback, with two-person approval.',
    },
    features: {
      bot_user: { display_name: options.name ?? 'drbot', always_online: true },
      slash_commands: [
        withUrl({
          command: '/dr',
          description: 'Drills, failover, failback, status',
          usage_hint: 'drill app-tier | status | help',
          should_escape: false,
        }),
      ],
    },
    oauth_config: { scopes: { bot: Object.keys(SCOPES) } },
    settings: {
      interactivity: withUrl({ is_enabled: true }),
      org_deploy_enabled: false,
      socket_mode_enabled: socket,
      token_rotation_enabled: false,
    },
  };
}
