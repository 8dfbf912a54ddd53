package dev.tracegate.testsupport;

import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A Quarkus test resource that serves the application's public port over HTTPS only, as the kustomize TLS components
 * set it up: Quarkus' own keys, from PEM files as cert-manager writes them (a {@link LoopbackCertificate} for
 * 127.0.0.1, also the CA a client trusts), no plain listener; the management port stays plain HTTP. Use it with
 * {@code restrictToAnnotatedClass = true}; the test reaches the port by {@code @TestHTTPResource(tls = true)}.
 */
public class ServesHttpsOnly implements QuarkusTestResourceLifecycleManager {

    private static volatile LoopbackCertificate certificate;

    /** The certificate served, once the resource has started. */
    public static LoopbackCertificate certificate() {
        return certificate;
    }

    @Override
    public Map<String, String> start() {
        certificate = LoopbackCertificate.create(Path.of("target", "serving-tls"), "server");
        return Map.of("quarkus.http.ssl.certificate.files", certificate.certificatePem().toString(),
                "quarkus.http.ssl.certificate.key-files", certificate.privateKeyPem().toString(),
                "quarkus.http.insecure-requests", "disabled",
                "quarkus.http.test-ssl-port", "0");
    }

    @Override
    public void stop() {
    }
}
