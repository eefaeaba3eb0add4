namespace Metagenerator.Manifest;

/// <summary>The files <c>metagenerator init</c> writes: a commented example manifest and a model Dockerfile that uses its parameters.</summary>
public static class ManifestTemplates
{
    /// <summary>A commented seed-schema GENERATOR-MANIFEST.yml that validates as is.</summary>
    public const string InitManifest = """
        # Generator manifest: metagenerator reads this file to build a generator image,
        # GENERATOR_REGISTRY/<generator name>:<version>. Check it with 'metagenerator validate'.
        # Indent with spaces, never tabs. Values are kept exactly as written (042 stays 042).
        ---
        # The only top-level key is the generator name: at least two lower-case letters, digits
        # and '-', starting and ending with a letter or digit. The Model API refuses '_' and dots
        # (HTTP 400), and registries refuse upper case.
        example-generator:

          # The generator image tag: 2 to 128 letters, digits and '-', starting with a letter or
          # digit (no '_' and no dots, for the same reasons).
          version: v1

          # Settings that usually stay the same from version to version. Each key is also an
          # environment variable: set one of the same name when running the generator to override it.
          # Names the generator or its shell use themselves (MODEL_NAME, PATH, HOME, mg_..., see
          # 'metagenerator validate') cannot be config keys or parameter names.
          config:
            # Where the generator image is pushed: host[:port][/path], or empty for no prefix.
            GENERATOR_REGISTRY: localhost:5000
            # Where model images are pushed: MODEL_REGISTRY/<generator name>/<version>/<MODEL_NAME>:<MODEL_TAG>.
            MODEL_REGISTRY: localhost:5000
            # The model's Dockerfile, relative to the model source directory (model-src/).
            MODEL_DOCKERFILE: Dockerfile

          # Build parameters: passed to the model's Dockerfile as build arguments (ARG NAME).
          # Each needs 'info' (a description) and 'default'; an environment variable of the
          # same name overrides the default when the generator runs.
          parameters:
            GREETING:
              info: text the example model prints
              default: hello from the example model
            ITERATIONS:
              info: how many times to print it
              default: 3

          # Optional build settings.
          build:
            # Base images to warm kaniko's cache with (used when EXTRA_FLAGS has --cache=true).
            cache:
              - busybox:1.36
            # The image builder the generator runs: kaniko (default), buildah, buildkit or docker.
            # builder: kaniko

        """;

    /// <summary>A tiny model Dockerfile (FROM busybox) using the build parameters of <see cref="InitManifest"/>.</summary>
    public const string InitDockerfile = """
        # Example model image, built by the generator image with the manifest's parameters as build arguments.
        FROM busybox:1.36
        ARG GREETING="hello from the example model"
        ARG ITERATIONS=3
        ARG MODEL_NAME
        ARG MODEL_TAG
        RUN printf '%s\n' "$GREETING" > /greeting.txt && printf '%s\n' "$ITERATIONS" > /iterations.txt
        ENV GREETING="$GREETING" ITERATIONS="$ITERATIONS"
        CMD ["sh", "-c", "i=0; while [ \"$i\" -lt \"$ITERATIONS\" ]; do echo \"$GREETING\"; i=$((i+1)); done"]

        """;
}
