# The moderation API in a container.
#
#   docker build -t kusd-moderation .
#   docker run -p 8080:8080 -v kusd-data:/data kusd-moderation
#   docker exec <container> cat /data/admin-key.txt      # the first admin key, created on first start
#
# Not built here (no Docker engine on the build machine). What it runs was checked instead with the same
# steps locally: `dotnet publish src/ModerationApi -c Release -o /tmp/kusd-publish` (models/*.onnx and
# ppocr_keys_v1.txt land in /tmp/kusd-publish/models/, copied by the Models project), then the load test
# started `dotnet /tmp/kusd-publish/Kusd.Moderation.Api.dll --urls http://127.0.0.1:PORT --Storage:DataDirectory TMP`:
# /health/ready answered, the first admin key appeared in TMP/admin-key.txt, a roster import, a face enrolment,
# 32,000 text checks and 51 image checks succeeded. Untested: the base images, APP_UID, the volume, the restore layer.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files alone, so a code change does not download the packages again.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Moderation/Kusd.Moderation.csproj src/Moderation/
COPY src/Models/Kusd.Moderation.Models.csproj src/Models/
COPY src/ModerationApi/Kusd.Moderation.Api.csproj src/ModerationApi/
RUN dotnet restore src/ModerationApi/Kusd.Moderation.Api.csproj

COPY models/ models/
COPY src/ src/
RUN dotnet publish src/ModerationApi/Kusd.Moderation.Api.csproj -c Release --no-restore -o /app \
    && test -s /app/models/nsfw_mobilenet_v2.onnx

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./

# The database, the face-template key and the first admin key live in /data: keep it on a volume
# (and back it up: without template.key the enrolled faces cannot be read).
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data

# The .NET images define a non-root user (APP_UID) and listen on 8080 (ASPNETCORE_HTTP_PORTS).
USER $APP_UID
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080

# Health: GET /health/live (process up) and /health/ready (database and models loaded). The aspnet image
# has no curl; probe from the orchestrator (Kubernetes httpGet on /health/ready, port 8080), or add curl
# to the image and uncomment:
# HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD curl -fsS http://localhost:8080/health/ready || exit 1

ENTRYPOINT ["dotnet", "Kusd.Moderation.Api.dll", "--Storage:DataDirectory", "/data"]
