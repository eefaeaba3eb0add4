namespace Metagenerator.Entrypoint.Tests;

/// <summary>The expected build arguments and labels of the two fixture invocations, spelled out, for any flag syntax.</summary>
internal static class ExpectedArgs
{
    public const string SeedDest = "reformers-dev.ait.ac.at:8083/example-generator/v3/grid-a:v1";
    public const string ExtendedDest = "reformers-dev.ait.ac.at:8083/reformers-dt-wind-gen-fc/v1/wind-a:v2";

    public static string[] Pairs(string flag, IEnumerable<string> values) => values.SelectMany(v => new[] { flag, v }).ToArray();

    public static readonly string[] SeedBuildArgs =
    [
        "GENERATOR_NAME=example-generator", "GENERATOR_TAG=v3", "MODEL_NAME=grid-a", "MODEL_TAG=v1",
        "GENERATOR_REGISTRY=reformers-dev.ait.ac.at:8082", "MODEL_REGISTRY=reformers-dev.ait.ac.at:8083",
        "MODEL_DOCKERFILE=Dockerfile_model",
        "CONFIG_FILE=/config/config.yml", "GRID_DATA=/grid_data/grid.json",
        "INPUT_STREAM=reformers.metering_data.DUMMY1", "OUTPUT_STREAM_BASE=reformers.grid_sim.results",
    ];

    public static readonly string[] SeedLabels =
    [
        "example-generator.v3.grid-a.v1.CONFIG_FILE=/config/config.yml",
        "example-generator.v3.grid-a.v1.GRID_DATA=/grid_data/grid.json",
        "example-generator.v3.grid-a.v1.INPUT_STREAM=reformers.metering_data.DUMMY1",
        "example-generator.v3.grid-a.v1.OUTPUT_STREAM_BASE=reformers.grid_sim.results",
        "example-generator.v3.grid-a.v1.CREATED=2026-11-25T10:00:00+00:00",
    ];

    public static readonly string[] ExtendedBuildArgs =
    [
        "GENERATOR_NAME=reformers-dt-wind-gen-fc", "GENERATOR_TAG=v1", "MODEL_NAME=wind-a", "MODEL_TAG=v2",
        "GENERATOR_REGISTRY=reformers-dev.ait.ac.at:8082", "MODEL_REGISTRY=reformers-dev.ait.ac.at:8083",
        "MODEL_DOCKERFILE=Dockerfile",
        "DEFAULT_CONFIG_PARK=default-configs/park_alkmaar.yaml",
        "DEFAULT_CONFIG_SIMULATION=default-configs/simulation_alkmaar.yaml",
        "PARK_NAME=Windpark Noord", "SCENARIO=BaselineAlkmaar", "REDIS_PASSWORD=r3f0rm3r5-w!nd-f0r3ca5t",
    ];

    public static readonly string[] ExtendedLabels =
    [
        "reformers-dt-wind-gen-fc.v1.wind-a.v2.DEFAULT_CONFIG_PARK=default-configs/park_alkmaar.yaml",
        "reformers-dt-wind-gen-fc.v1.wind-a.v2.DEFAULT_CONFIG_SIMULATION=default-configs/simulation_alkmaar.yaml",
        "reformers-dt-wind-gen-fc.v1.wind-a.v2.PARK_NAME=Windpark Noord",
        "reformers-dt-wind-gen-fc.v1.wind-a.v2.SCENARIO=BaselineAlkmaar",
        "reformers-dt-wind-gen-fc.v1.wind-a.v2.REDIS_PASSWORD=r3f0rm3r5-w!nd-f0r3ca5t",
        "reformers-dt-wind-gen-fc.v1.wind-a.v2.CREATED=2026-11-25T10:00:00+00:00",
        "reformers-dt-wind-gen-fc.v1.wind-a.v2.parameters.KNOWLEDGE_GRAPH_ENABLED=false",
        "reformers-dt-wind-gen-fc.v1.wind-a.v2.parameters.optional.KNOWLEDGE_GRAPH_ENDPOINT=http://localhost:7200/repositories/REFORMERS",
        "reformers-dt-wind-gen-fc.v1.wind-a.v2.info=Wind forecast, Alkmaar",
    ];
}
