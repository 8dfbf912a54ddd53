package dev.tracegate.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A self-signed certificate for {@code 127.0.0.1} (or another name), made with the JDK's keytool, for test servers that speak TLS: it
 * is its own CA, so {@link #certificatePem()} is also the file a client trusts. The same key and certificate come as a
 * PKCS #12 keystore (Vert.x' {@code PfxOptions}) and as PEM files (what cert-manager writes: {@code tls.crt},
 * {@code tls.key}).
 */
public record LoopbackCertificate(Path keystore, String password, Path certificatePem, Path privateKeyPem) {

    private static final String PASSWORD = "changeit";

    /** A new key and certificate, valid two days, as {@code <name>.p12}, {@code <name>.crt} and {@code <name>.key}. */
    public static LoopbackCertificate create(Path dir, String name) {
        return create(dir, name, "ip:127.0.0.1");
    }

    /** The same for another subject alternative name, in keytool's form ({@code dns:elsewhere.example}). */
    public static LoopbackCertificate create(Path dir, String name, String subjectAlternativeName) {
        try {
            Files.createDirectories(dir);
            Path keystore = dir.resolve(name + ".p12");
            Files.deleteIfExists(keystore);
            keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=" + subjectAlternativeName.replaceFirst("^\\w+:([^,]*).*$", "$1"),
                    "-ext", "SAN=" + subjectAlternativeName, "-keystore", keystore.toString(),
                    "-storetype", "PKCS12", "-storepass", PASSWORD);
            Path certificate = dir.resolve(name + ".crt");
            Files.writeString(certificate, keytool("-exportcert", "-rfc", "-alias", name, "-keystore",
                    keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
            Path privateKey = dir.resolve(name + ".key");
            Files.writeString(privateKey, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(privateKey(keystore, name).getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            return new LoopbackCertificate(keystore.toAbsolutePath(), PASSWORD, certificate.toAbsolutePath(),
                    privateKey.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The key in PKCS #8, as keytool made it (keytool itself never exports a private key). */
    private static PrivateKey privateKey(Path keystore, String alias) throws IOException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            return (PrivateKey) store.getKey(alias, PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key keytool made", e);
        }
    }

    private static String keytool(String... args) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
