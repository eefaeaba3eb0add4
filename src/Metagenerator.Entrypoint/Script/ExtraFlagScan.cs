using static Metagenerator.Entrypoint.Script.Stmt;

namespace Metagenerator.Entrypoint.Script;

/// <summary>The scan of <c>EXTRA_FLAGS</c> (kaniko's flag names): split on whitespace, quotes not interpreted; kaniko's
/// TLS and cache flags are noted for the builders that spell them differently.</summary>
/// <remarks>Variables it sets (lists are space-separated, every word whitespace-free):
/// <c>mg_words</c> all words; <c>mg_unrecognized</c> the words that are none of the flags below nor their values;
/// <c>mg_cache</c> true/false (last wins); <c>mg_cache_dir</c>;
/// <c>mg_skip_all</c> (<c>--skip-tls-verify</c>), <c>mg_http_all</c> (<c>--insecure</c>), <c>mg_skip_pull</c>, <c>mg_http_pull</c>;
/// <c>mg_skip_hosts</c> (<c>--skip-tls-verify-registry</c>), <c>mg_http_hosts</c> (<c>--insecure-registry</c>),
/// <c>mg_insecure_hosts</c> (both); <c>mg_certs</c> (each <c>HOST=PATH</c> of <c>--registry-certificate</c>) and
/// <c>mg_cert_path</c> (the last PATH); <c>mg_insecure_all</c>, <c>mg_insecure_pull</c> (either spelling).</remarks>
internal static class ExtraFlagScan
{
    /// <summary>The flags that take a value (<c>--flag value</c> or <c>--flag=value</c>).</summary>
    private const string ValueFlags = "--cache-dir|--cache-repo|--cache-ttl|--skip-tls-verify-registry|--insecure-registry|--registry-certificate";

    /// <summary>The steps, in order.</summary>
    public static IEnumerable<Step> Steps()
    {
        foreach (var name in new[]
                 {
                     "mg_words", "mg_unrecognized", "mg_cache", "mg_cache_dir", "mg_skip_all", "mg_http_all", "mg_skip_pull",
                     "mg_http_pull", "mg_skip_hosts", "mg_http_hosts", "mg_insecure_hosts", "mg_certs", "mg_cert_path", "mg_want",
                 })
            yield return Set(name, "");
        var valueFlagsWithValue = string.Join('|', ValueFlags.Split('|').Select(f => f + "=*"));
        yield return ForEach("mg_w", "EXTRA_FLAGS",
            Append("mg_words", Ref("mg_w")),
            IfElse(NonEmpty("mg_want"),
                [Take(Ref("mg_want"), Ref("mg_w")), Set("mg_want", "")],
                [
                    Case(Ref("mg_w"),
                        Arm("--cache|--cache=true", Set("mg_cache", "true")),
                        Arm("--cache=false", Set("mg_cache", "false")),
                        Arm("--skip-tls-verify|--skip-tls-verify=true", Set("mg_skip_all", "1")),
                        Arm("--insecure|--insecure=true", Set("mg_http_all", "1")),
                        Arm("--skip-tls-verify-pull|--skip-tls-verify-pull=true", Set("mg_skip_pull", "1")),
                        Arm("--insecure-pull|--insecure-pull=true", Set("mg_http_pull", "1")),
                        Arm("--skip-tls-verify=false|--insecure=false|--skip-tls-verify-pull=false|--insecure-pull=false"),
                        Arm(ValueFlags, Set("mg_want", Ref("mg_w"))),
                        Arm(valueFlagsWithValue,
                            [
                                Set("mg_flag", new StripExpr("mg_w", "=*", FromEnd: true, Longest: true)),
                                Set("mg_value", new StripExpr("mg_w", "*=", FromEnd: false, Longest: false)),
                                Take(Ref("mg_flag"), Ref("mg_value")),
                            ]),
                        Arm("*", Append("mg_unrecognized", Ref("mg_w")))),
                ]));
        yield return If(NonEmpty("mg_want"), Fail("EXTRA_FLAGS", Cat(Str(GeneratorMessages.ExtraFlagNeedsValue), Ref("mg_want"))));
        yield return Set("mg_insecure_all", Cat(Ref("mg_skip_all"), Ref("mg_http_all")));
        yield return Set("mg_insecure_pull", Cat(Ref("mg_skip_pull"), Ref("mg_http_pull")));
    }

    private static CaseStep Take(Expr flag, Expr value) => Case(flag,
        Arm("--cache-dir", Set("mg_cache_dir", value)),
        Arm("--skip-tls-verify-registry", Append("mg_skip_hosts", value), Append("mg_insecure_hosts", value)),
        Arm("--insecure-registry", Append("mg_http_hosts", value), Append("mg_insecure_hosts", value)),
        Arm("--registry-certificate",
        [
            Append("mg_certs", value),
            .. value is RefExpr { Name: "mg_value" } ? Array.Empty<Step>() : [Set("mg_value", value)],
            Set("mg_cert_path", new StripExpr("mg_value", "*=", FromEnd: false, Longest: false)),
        ]));
}
