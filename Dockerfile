# revcycle: the server (Cube embedded, REST + GraphQL, dashboard) in one image.
# The same image runs as an API instance, as Cube's refresh worker
# (CUBEJS_REFRESH_WORKER=true) and as the one-shot warehouse build
# (command: npm run build:warehouse). See docs/deploy.md and compose.yaml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Cube Store's binary and Cube's native module come from outside the npm
# registry: skipped here as on the development machines (.npmrc).
ENV CUBESTORE_SKIP_POST_INSTALL=1
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    PORT=4000 \
    REVCYCLE_DASHBOARD_DIST=/app/dist/dashboard
COPY --from=build /app /app
RUN chown -R node:node /app
USER node
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--import", "tsx", "server/cluster/instance.ts"]
