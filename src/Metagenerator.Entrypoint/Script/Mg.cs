namespace Metagenerator.Entrypoint.Script;

/// <summary>The generator script's own names (its variables and functions, all starting with <c>mg_</c>), defined once:
/// every use in the renderer and the builder definitions goes through these constants, so a misspelling is a compile
/// error. The tests check that the rendered scripts use exactly these names (<c>ScriptVariableNamesTests</c>).</summary>
/// <remarks>A new name goes here first. The last group is spelled only in the fixed shell (<c>Shell/*.sh</c>); it is
/// listed so that the name check covers every <c>mg_</c> name the script holds.</remarks>
internal static class Mg
{
    // Functions, defined in Shell/functions.sh.

    /// <summary><c>mg_fail MESSAGE</c>: prints <c>generator: error: MESSAGE</c> and exits 2.</summary>
    public const string Fail = "mg_fail";

    /// <summary><c>mg_run LABEL RETRIES LEVEL PROGRAM ARGS...</c>: runs a builder command, re-running it on failure.</summary>
    public const string Run = "mg_run";

    /// <summary><c>mg_is_mount_point DIR</c>: DIR is a mount point in <c>/proc/self/mountinfo</c>.</summary>
    public const string IsMountPoint = "mg_is_mount_point";

    /// <summary><c>mg_rootlesskit_starts PROGRAM</c>: rootlesskit can start a child here (or is not needed).</summary>
    public const string RootlessKitStarts = "mg_rootlesskit_starts";

    // Common inputs (GeneratorInputs).
    public const string PushRetry = "mg_push_retry";
    public const string PushRetryGiven = "mg_push_retry_given";
    public const string Verbosity = "mg_verbosity";
    public const string Created = "mg_created";
    public const string Info = "mg_info";
    public const string Context = "mg_context";
    public const string Dockerfile = "mg_dockerfile";
    public const string DockerConfig = "mg_docker_config";
    public const string ConfigJson = "mg_config_json";
    public const string Repository = "mg_repository";
    public const string Dest = "mg_dest";
    public const string Prefix = "mg_prefix";
    public const string ModelHost = "mg_model_host";

    // The EXTRA_FLAGS scan (ExtraFlagScan; what each holds is listed there).
    public const string Words = "mg_words";
    public const string Unrecognized = "mg_unrecognized";
    public const string Cache = "mg_cache";
    public const string CacheDir = "mg_cache_dir";
    public const string SkipAll = "mg_skip_all";
    public const string HttpAll = "mg_http_all";
    public const string SkipPull = "mg_skip_pull";
    public const string HttpPull = "mg_http_pull";
    public const string SkipHosts = "mg_skip_hosts";
    public const string HttpHosts = "mg_http_hosts";
    public const string InsecureHosts = "mg_insecure_hosts";
    public const string Certs = "mg_certs";
    public const string CertPath = "mg_cert_path";
    public const string Want = "mg_want";
    public const string Flag = "mg_flag";
    public const string Value = "mg_value";
    public const string InsecureAll = "mg_insecure_all";
    public const string InsecurePull = "mg_insecure_pull";

    /// <summary>Loop variable over words (EXTRA_FLAGS, and the summary's masking loop in Shell/summary.sh).</summary>
    public const string Word = "mg_w";

    // Shared by several builders.

    /// <summary>The words passed to the build command unchanged.</summary>
    public const string Extra = "mg_extra";
    public const string Debug = "mg_debug";
    public const string NoCache = "mg_no_cache";

    /// <summary>Loop variable over registry hosts.</summary>
    public const string Host = "mg_h";

    /// <summary>Loop variable over <c>HOST=PATH</c> certificate words.</summary>
    public const string Cert = "mg_c";

    // kaniko.
    public const string WarmDir = "mg_warm_dir";
    public const string WarmSetting = "mg_warm_setting";
    public const string WarmMount = "mg_warm_mount";
    public const string Warm = "mg_warm";
    public const string WarmSkip = "mg_warm_skip";
    public const string WarmTls = "mg_warm_tls";

    // buildah.
    public const string StorageDriver = "mg_storage_driver";
    public const string Isolation = "mg_isolation";
    public const string Authfile = "mg_authfile";
    public const string BudInsecure = "mg_bud_insecure";
    public const string PushInsecure = "mg_push_insecure";
    public const string CertDir = "mg_cert_dir";
    public const string Layers = "mg_layers";

    // BuildKit.
    public const string BuildKitHost = "mg_buildkit_host";
    public const string Socket = "mg_socket";
    public const string Remote = "mg_remote";
    public const string Local = "mg_local";
    public const string TlsCa = "mg_tls_ca";
    public const string TlsCert = "mg_tls_cert";
    public const string TlsKey = "mg_tls_key";
    public const string TlsName = "mg_tls_name";
    public const string DockerfileDir = "mg_df_dir";
    public const string DockerfileName = "mg_df_name";
    public const string OutputExtra = "mg_output_extra";
    public const string TomlHosts = "mg_toml_hosts";
    public const string Toml = "mg_toml";
    public const string HostHttp = "mg_h_http";
    public const string CaList = "mg_ca";
    public const string BuildKitdFlags = "mg_buildkitd_flags";
    public const string Tmp = "mg_tmp";
    public const string TomlPath = "mg_toml_path";

    // docker.
    public const string BuildxStatus = "mg_buildx_status";
    public const string Buildx = "mg_buildx";
    public const string Classic = "mg_classic";

    // Command lines (ShellWriter.Command).

    /// <summary>The program of a command with an override variable (<c>KANIKO_EXECUTOR</c>).</summary>
    public const string Program = "mg_program";

    // Spelled only in the fixed shell (Shell/*.sh): mg_run's locals, mg_is_mount_point's fields, the summary's masked words.
    public const string RunLabel = "mg_label";
    public const string RunRetries = "mg_retries";
    public const string RunLevel = "mg_level";
    public const string RunAfter = "mg_after";
    public const string RunAttempt = "mg_attempt";
    public const string RunStatus = "mg_status";
    public const string MountField1 = "mg_m1";
    public const string MountField2 = "mg_m2";
    public const string MountField3 = "mg_m3";
    public const string MountField4 = "mg_m4";
    public const string MountField5 = "mg_m5";
    public const string MountRest = "mg_rest";
    public const string Shown = "mg_shown";
}
