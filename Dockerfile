# kpi-stream as a resident service: `kpi-stream watch`, Hub to Hub, every hour at :05 UTC.
#   docker build -t kpi-stream .
#   docker run -d -e HF_KPI_WRITE_TOKEN=hf_... -v kpi-cache:/cache -p 7860:7860 kpi-stream
# The same image runs as a Hugging Face Space (Docker SDK, app_port 7860): see the README.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY bench ./bench
# npm ci compiles dist/ (prepare); the dev dependencies are then dropped.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-slim
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
# Spaces run the container as uid 1000; the cache folder must be theirs.
RUN mkdir -p /cache && chown 1000:1000 /cache
USER 1000
ENV NODE_ENV=production
EXPOSE 7860
ENTRYPOINT ["./bin/kpi-stream"]
CMD ["watch", "--cache-dir", "/cache", "--listen", "0.0.0.0:7860", "--log-format", "json"]
