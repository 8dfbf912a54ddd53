package dev.tracegate.gateway.tenant;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.util.HexFormat;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.tls.BaseTlsConfiguration;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;

/**
 * Makes a PEM file of CA certificates usable by Quarkus' HTTP clients: a tenant's {@code issuerCAPath} (quarkus-oidc)
 * and the provisioner's {@code tracegate.tenants.provisioner.ca-file} (the REST client) each become a named TLS
 * configuration in Quarkus' TLS registry that trusts exactly that file; {@code tracegate.upstream.ca-file} becomes the
 * trust options of the gateway's own clients of Tempo. The name carries a hash of the file, so a new
 * CA gives a new configuration.
 */
@ApplicationScoped
public class CaFileTrust {

    /** A CA bundle is a few KB; the JVM's own, with every public CA, is about 200 KB. */
    public static final int MAX_CA_FILE_BYTES = 1024 * 1024;

    private final TlsConfigurationRegistry registry;

    public CaFileTrust(TlsConfigurationRegistry registry) {
        this.registry = registry;
    }

    /** @return the TLS configuration name to give quarkus-oidc, or empty when the tenant trusts the JVM's CAs. */
    public Optional<String> register(String tenantName, String caPath) {
        if (caPath == null || caPath.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(registerFile("tracegate-issuer-" + tenantName, caPath));
    }

    /** The TLS configuration that trusts exactly the CAs of {@code caPath}, for the provisioner's REST client. */
    public TlsConfiguration provisionerTrust(String caPath) {
        return registry.get(registerFile("tracegate-provisioner", caPath)).orElseThrow();
    }

    /**
     * The CAs of {@code caPath} for a Vert.x client of the gateway's own (Tempo's {@code https} URLs).
     *
     * @throws IllegalArgumentException what is wrong with the file, naming its path
     */
    public static TrustOptions pemTrust(String caPath) {
        return new PemTrustOptions().addCertValue(Buffer.buffer(readCertificates(caPath)));
    }

    /** @throws IllegalArgumentException what is wrong with the file, naming its path */
    private String registerFile(String prefix, String caPath) {
        byte[] pem = readCertificates(caPath);
        String name = prefix + "-" + sha256(pem);
        if (registry.get(name).isEmpty()) {
            registry.register(name, new PemTrust(Buffer.buffer(pem)));
        }
        return name;
    }

    /** What the file holds now, as a short hash, or {@code "unreadable"}: to notice that it changed. */
    public static String fingerprint(String caPath) {
        try {
            return sha256(readBounded(Path.of(caPath)));
        } catch (IOException | IllegalArgumentException e) {
            return "unreadable";
        }
    }

    /** @throws IllegalArgumentException what is wrong with the file, naming its path */
    private static byte[] readCertificates(String caPath) {
        try {
            byte[] pem = readBounded(Path.of(caPath));
            if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + caPath);
            }
            return pem;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not a readable PEM certificate file: " + caPath);
        }
    }

    /**
     * The file, if it is a regular file of at most {@link #MAX_CA_FILE_BYTES}: a path to a device or a pipe
     * ({@code /dev/zero}, a FIFO) would block or fill the heap, and a running gateway keeps its tenants instead.
     */
    private static byte[] readBounded(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("not a regular file: " + path);
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(MAX_CA_FILE_BYTES + 1);
            if (bytes.length > MAX_CA_FILE_BYTES) {
                throw new IllegalArgumentException("larger than " + MAX_CA_FILE_BYTES / 1024 + " KiB, no CA file: " + path);
            }
            return bytes;
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts exactly the certificates of one PEM file. */
    private static final class PemTrust extends BaseTlsConfiguration {
        private final Buffer pem;

        PemTrust(Buffer pem) {
            this.pem = pem;
        }

        @Override
        public TrustOptions getTrustStoreOptions() {
            return new PemTrustOptions().addCertValue(pem);
        }
    }
}
