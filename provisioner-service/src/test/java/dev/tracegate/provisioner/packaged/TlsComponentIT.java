package dev.tracegate.provisioner.packaged;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tracegate.provisioner.support.ComponentPatch;
import dev.tracegate.provisioner.support.HttpStatus;
import dev.tracegate.testsupport.LoopbackCertificate;
import dev.tracegate.testsupport.PemTrust;
import dev.tracegate.testsupport.LoopbackPorts;

/**
 * The packaged provisioner with the environment that kubernetes/components/provisioner-tls gives its container, read
 * from that component: the Secret's files are a certificate made here, laid out as the volume's items say, and only
 * the port is another (a free one on 127.0.0.1). The API answers over HTTPS, trusted through the certificate's CA,
 * and not over plain HTTP; health stays plain HTTP on the management port, where the probes ask.
 */
class TlsComponentIT {

    private static final Path COMPONENT = Path.of("..", "kubernetes", "components", "provisioner-tls", "provisioner-tls.yaml");
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private Process provisioner;

    @AfterEach
    void stop() throws InterruptedException {
        if (provisioner != null) {
            provisioner.destroy();
            provisioner.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void theComponentsSettingsServeTheApiOverHttpsOnly() throws Exception {
        LoopbackCertificate certificate = LoopbackCertificate.create(Path.of("target", "tls-component"), "provisioner");
        Map<String, String> environment = ComponentPatch.environment(COMPONENT,
                Map.of("tls.crt", certificate.certificatePem(), "tls.key", certificate.privateKeyPem()),
                Path.of("target", "tls-component"));
        int port = LoopbackPorts.free();
        int management = LoopbackPorts.free();
        assertEquals("8080", environment.put("QUARKUS_HTTP_SSL_PORT", Integer.toString(port)));
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + management,
                // No API server: the provisioner starts and retries; the API is served all the same.
                "-Dkubernetes.master=http://127.0.0.1:" + LoopbackPorts.free(),
                "-jar", JAR.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "tls-component", "provisioner.log").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("TRACEGATE_"));
        builder.environment().putAll(environment);
        provisioner = builder.start();

        HttpClient trusting = HttpClient.newBuilder().sslContext(PemTrust.of(Files.readString(certificate.certificatePem()))).build();
        URI api = URI.create("https://127.0.0.1:" + port + "/api/v1/gateways/observability/tempo-foo/config");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> HttpStatus.of(trusting, api) > 0);
        HttpResponse<String> answer = trusting.send(HttpRequest.newBuilder(api).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"error\""), answer.body());

        URI cleartext = URI.create("http://127.0.0.1:" + port + "/api/v1/gateways/observability/tempo-foo/config");
        assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(cleartext)
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()));
        URI live = URI.create("http://127.0.0.1:" + management + "/q/health/live");
        assertEquals(200, HttpStatus.of(HttpClient.newHttpClient(), live));
    }
}
