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
                     Mg.Words, Mg.Unrecognized, Mg.Cache, Mg.CacheDir, Mg.SkipAll, Mg.HttpAll, Mg.SkipPull,
                     Mg.HttpPull, Mg.SkipHosts, Mg.HttpHosts, Mg.InsecureHosts, Mg.Certs, Mg.CertPath, Mg.Want,
                 })
            yield return Set(name, "");
        var valueFlagsWithValue = string.Join('|', ValueFlags.Split('|').Select(f => f + "=*"));
        yield return ForEach(Mg.Word, "EXTRA_FLAGS",
            Append(Mg.Words, Ref(Mg.Word)),
            IfElse(NonEmpty(Mg.Want),
                [Take(Ref(Mg.Want), Ref(Mg.Word)), Set(Mg.Want, "")],
                [
                    Case(Ref(Mg.Word),
                        Arm("--cache|--cache=true", Set(Mg.Cache, "true")),
                        Arm("--cache=false", Set(Mg.Cache, "false")),
                        Arm("--skip-tls-verify|--skip-tls-verify=true", Set(Mg.SkipAll, "1")),
                        Arm("--insecure|--insecure=true", Set(Mg.HttpAll, "1")),
                        Arm("--skip-tls-verify-pull|--skip-tls-verify-pull=true", Set(Mg.SkipPull, "1")),
                        Arm("--insecure-pull|--insecure-pull=true", Set(Mg.HttpPull, "1")),
                        Arm("--skip-tls-verify=false|--insecure=false|--skip-tls-verify-pull=false|--insecure-pull=false"),
                        Arm(ValueFlags, Set(Mg.Want, Ref(Mg.Word))),
                        Arm(valueFlagsWithValue,
                            [
                                Set(Mg.Flag, new StripExpr(Mg.Word, "=*", FromEnd: true, Longest: true)),
                                Set(Mg.Value, new StripExpr(Mg.Word, "*=", FromEnd: false, Longest: false)),
                                Take(Ref(Mg.Flag), Ref(Mg.Value)),
                            ]),
                        Arm("*", Append(Mg.Unrecognized, Ref(Mg.Word)))),
                ]));
        yield return If(NonEmpty(Mg.Want), Fail("EXTRA_FLAGS", Cat(Str(GeneratorMessages.ExtraFlagNeedsValue), Ref(Mg.Want))));
        yield return Set(Mg.InsecureAll, Cat(Ref(Mg.SkipAll), Ref(Mg.HttpAll)));
        yield return Set(Mg.InsecurePull, Cat(Ref(Mg.SkipPull), Ref(Mg.HttpPull)));
    }

    private static CaseStep Take(Expr flag, Expr value) => Case(flag,
        Arm("--cache-dir", Set(Mg.CacheDir, value)),
        Arm("--skip-tls-verify-registry", Append(Mg.SkipHosts, value), Append(Mg.InsecureHosts, value)),
        Arm("--insecure-registry", Append(Mg.HttpHosts, value), Append(Mg.InsecureHosts, value)),
        Arm("--registry-certificate",
        [
            Append(Mg.Certs, value),
            .. value is RefExpr { Name: Mg.Value } ? Array.Empty<Step>() : [Set(Mg.Value, value)],
            Set(Mg.CertPath, new StripExpr(Mg.Value, "*=", FromEnd: false, Longest: false)),
        ]));
}
