/**
 * The `slack` function: API Gateway HTTP API (payload 2.0) → Bolt's AwsLambdaReceiver. Listeners
 * verify, parse, authorise, persist and enqueue (SQS); the worker does the rest, so every request
 * is answered well within Slack's 3 seconds.
 */
import { App, AwsLambdaReceiver, LogLevel } from '@slack/bolt';
import { type AwsRuntime, getAwsRuntime } from '../runtime/aws.js';
import { loadPackagedRunbooks } from '../runtime/packaged-runbooks.js';
import { commandDrillStarter, registerScheduleActions } from '../scorecard/slack.js';
import { registerListeners } from '../slack/listeners.js';
import { lambdaRequestRefusal } from '../slack/request-time.js';

/** Slack retries after 3 s; posting the status message must not hold the answer past this. */
const FLUSH_BUDGET_MS = 1_500;

/** Bolt's two-argument promise handler (Node 24+ runtimes refuse callback handlers). */
export type SlackLambdaHandler = Awaited<ReturnType<AwsLambdaReceiver['start']>>;
/** API Gateway v1/v2 event as the receiver reads it. */
export type ApiGatewayEvent = Parameters<SlackLambdaHandler>[0];

/** Builds the Bolt app on a runtime; exported so tests drive it with an injected runtime. */
export function createSlackHandler(getRuntime: () => Promise<AwsRuntime>): SlackLambdaHandler {
  let built: Promise<{ runtime: AwsRuntime; handle: SlackLambdaHandler }> | undefined;
  const build = async () => {
    const runtime = await getRuntime();
    const receiver = new AwsLambdaReceiver({ signingSecret: runtime.signingSecret, logLevel: LogLevel.WARN });
    const app = new App({
      token: runtime.botToken,
      receiver,
      // The receiver awaits listeners before answering, so Lambda never freezes mid-work.
      processBeforeResponse: true,
      clientOptions: { slackApiUrl: runtime.slack.slackApiUrl },
    });
    registerListeners(app, runtime.services);
    registerScheduleActions(app, runtime.services, commandDrillStarter(runtime.services));
    return { runtime, handle: await receiver.start() };
  };
  return async (event, context) => {
    // Bolt's receiver refuses old timestamps only: a request from the future is refused here
    const headers = (event as { headers?: Record<string, string | undefined> }).headers;
    if (lambdaRequestRefusal(headers, Date.now()) !== undefined) return { statusCode: 401, body: '' };
    if (!built) {
      built = build();
      built.catch(() => {
        built = undefined;
      });
    }
    const { runtime, handle } = await built;
    const response = await handle(event, context);
    await runtime.flush(FLUSH_BUDGET_MS);
    return response;
  };
}

export const handler: SlackLambdaHandler = createSlackHandler(() =>
  getAwsRuntime({ runbooks: loadPackagedRunbooks }),
);
