# The gateway image: one build, started as the API (`node dist/bin/hpcg-api.js`) or the worker
# (`node dist/bin/hpcg-worker.js`). The worker runs jobs with the embedded local executor unless the site
# file (HPCG_CONFIG) names other engines.
FROM node:20-bookworm-slim
WORKDIR /opt/hpc-gateway
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev
ENV HPCG_HOST=0.0.0.0 HPCG_STATE_DIR=/var/lib/hpcg/state
EXPOSE 4000 4001
CMD ["node", "dist/bin/hpcg-api.js"]
