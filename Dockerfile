# The metagenerator image: `docker build -t metagenerator .`, then `docker run --rm -v DIR:/workspace metagenerator`.
# Why these bases (README, "Run as a container"): the SDK's -aot variant already has clang and zlib for NativeAOT;
# runtime-deps chiseled is glibc, OpenSSL and CA certificates with no shell or package manager, which is all a
# NativeAOT binary needs. Both are pinned by tag and can be replaced with --build-arg.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble-aot
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled

FROM ${SDK_IMAGE} AS publish
# One COPY and one RUN: every step of the SDK stage stores a copy of the SDK on engines without a layered storage
# driver (vfs), and .dockerignore already limits the context to the sources. No analyzers: code style is checked by
# the project's own build and tests, and a newer SDK's rules must not fail an image build (ILC still reports every
# trimming and AOT warning); it saves about a fifth of the publish. No native debug symbols: the image takes only the
# binary, and ILC's DWARF plus the strip into metagenerator.dbg cost a tenth of the publish's CPU (NativeAOT's stack
# traces do not use them). No dynamic PGO (DOTNET_TieredPGO=0): it instruments the compiler and MSBuild, which this one
# build does not run long enough to profit from; the binary is byte-identical, the build about a tenth faster (in a
# private engine, alternating: 34.7 s and 57.4 CPU-seconds on average without it, 38.5 s and 64.5 with it). The RUN
# ends by deleting what only the publish needed (NuGet's packages and caches, obj and bin: 700 MB), so that the engine
# does not store it as a layer.
COPY . /src/
RUN cd /src \
 && case "$(uname -m)" in aarch64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac \
 && DOTNET_TieredPGO=0 dotnet publish src/Metagenerator.Cli -c Release -r "$rid" -p:PublishAot=true -p:RunAnalyzers=false -p:DebugType=none -p:DebugSymbols=false -nologo -o /out \
 && mkdir -p /rootfs/usr/local/bin /rootfs/tmp && chmod 1777 /rootfs/tmp \
 && cp /out/metagenerator /rootfs/usr/local/bin/ \
 && cd / && rm -rf /src /out "$HOME/.nuget" "$HOME/.local" "$HOME/.dotnet" && find /tmp -mindepth 1 -delete

FROM ${RUNTIME_IMAGE}
# The binary, and a /tmp for its scratch files (a chiseled base has none).
COPY --from=publish /rootfs/ /
# No arguments = build with the workspace defaults; the first argument may name another command (WorkspaceDefaults).
ENV METAGENERATOR_DEFAULT_COMMAND=build
WORKDIR /workspace
# root, as the seed's image ran: it reads any mounted workspace and writes into a mounted directory that docker
# created; `docker run --user "$(id -u):$(id -g)"` makes what it writes the caller's.
USER 0:0
ENTRYPOINT ["/usr/local/bin/metagenerator"]
