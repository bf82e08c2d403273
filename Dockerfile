# sndsbench's generator as a container image, for deploy/k8s/generate-job.yaml.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src src
COPY calibration calibration
COPY schemas schemas
COPY scenarios scenarios
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
ENTRYPOINT []
