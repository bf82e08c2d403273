# sndsbench as a container image: the generator's shards (deploy/k8s/generate-job.yaml) and the load's
# execution segments (deploy/k8s/load-job.yaml) run from it. The scenarios run on the project's own
# engine, in Node: the image holds no k6 and nothing AGPL.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src src
COPY calibration calibration
COPY schemas schemas
COPY scenarios scenarios
COPY hosts/templates hosts/templates
COPY report report
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
ENTRYPOINT []
