# drbot as a long-running Slack bot that acts on AWS (`drbot serve --provider aws`), for teams that
# run their Bolt apps as a container or a VM service rather than on Lambda. The CLI runs the
# TypeScript sources through tsx (a runtime dependency), so there is no build stage.
#
#   docker build -t drbot .
#   docker run -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN -e DRBOT_TABLE=drbot-prod -e AWS_REGION=us-west-2 drbot
FROM node:22-slim

ENV NODE_ENV=production \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
    DRBOT_RUNBOOK_DIR=/app/runbooks \
    PORT=3000
WORKDIR /app

# dependencies first, so editing a runbook or the sources does not reinstall them
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY bot ./bot
COPY engine ./engine
COPY agent ./agent
# the shipped runbooks; mount your own over /app/runbooks (or set DRBOT_RUNBOOK_DIR)
COPY runbooks ./runbooks

# never root: the image's `node` user (uid 1000) only reads /app
USER node
EXPOSE 3000
ENTRYPOINT ["node", "bin/drbot.mjs"]
CMD ["serve", "--provider", "aws"]
