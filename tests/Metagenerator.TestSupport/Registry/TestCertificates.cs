namespace Metagenerator.TestSupport.Registry;

/// <summary>A private CA and a server certificate for 127.0.0.1 signed by it, made with openssl.</summary>
public sealed class TestCertificates
{
    private TestCertificates(string directory)
    {
        Directory = directory;
    }

    /// <summary>The directory holding the files.</summary>
    public string Directory { get; }

    /// <summary>The CA certificate (PEM): what a client must trust.</summary>
    public string CaCertificatePath => Path.Combine(Directory, "ca.pem");

    /// <summary>The server certificate (PEM), SAN IP:127.0.0.1 and DNS:localhost.</summary>
    public string ServerCertificatePath => Path.Combine(Directory, "server.pem");

    /// <summary>The server's private key (PEM).</summary>
    public string ServerKeyPath => Path.Combine(Directory, "server.key");

    /// <summary>A directory in the layout skopeo's --cert-dir expects (ca.crt).</summary>
    public string SkopeoCertDirectory => Path.Combine(Directory, "skopeo-certs");

    /// <summary>Creates the CA and server certificate in <paramref name="directory"/>.</summary>
    public static async Task<TestCertificates> CreateAsync(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var certs = new TestCertificates(directory);
        var openssl = ExternalTool.Require("openssl");
        async Task Run(params string[] args) => (await ExternalTool.RunAsync(openssl, args, workingDirectory: directory)).EnsureSuccess();

        await Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "3", "-subj", "/CN=metagenerator test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        await Run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
        File.WriteAllText(Path.Combine(directory, "server.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        await Run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "3", "-extfile", "server.ext");
        System.IO.Directory.CreateDirectory(certs.SkopeoCertDirectory);
        File.Copy(certs.CaCertificatePath, Path.Combine(certs.SkopeoCertDirectory, "ca.crt"));
        return certs;
    }
}
