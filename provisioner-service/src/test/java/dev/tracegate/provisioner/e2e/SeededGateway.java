package dev.tracegate.provisioner.e2e;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_SA;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.HttpStatus;
import dev.tracegate.provisioner.support.ServiceAccountTokens;
import dev.tracegate.testsupport.LoopbackPorts;

/**
 * The seed TempoGateway, Ready, and a real gateway-service (the packaged application, started as its own process)
 * reading its tenants from this provisioner, ready too. Needs {@code gateway-service/target/quarkus-app/}, which the
 * reactor builds before this module ({@code mvn verify} at the root).
 */
final class SeededGateway implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path GATEWAY_JAR = Path.of("..", "gateway-service", "target", "quarkus-app", "quarkus-run.jar");

    final Process process;
    final String url;
    final String management;

    private SeededGateway(Process process, String url, int managementPort) {
        this.process = process;
        this.url = url;
        this.management = "http://127.0.0.1:" + managementPort;
    }

    /**
     * @param provisioner the provisioner's API as the gateway reaches it
     * @param settings    more system properties for the gateway, e.g. {@code -Dtracegate.tenants.provisioner.ca-file=...}
     */
    static SeededGateway start(Cluster cluster, String namespace, URL provisioner, List<String> settings)
            throws IOException {
        return start(cluster, namespace, provisioner, settings, Map.of(), (seed, url) -> { });
    }

    /**
     * @param environment the gateway's environment, e.g. a component's ({@code support.ComponentPatch}); with
     *                    {@code QUARKUS_HTTP_SSL_PORT} the gateway serves HTTPS, on the port chosen here
     * @param edit        changes to the seed TempoGateway before it is created, given the gateway's URL-to-be
     */
    static SeededGateway start(Cluster cluster, String namespace, URL provisioner, List<String> settings,
                               Map<String, String> environment, BiConsumer<TempoGateway, String> edit)
            throws IOException {
        assertTrue(Files.isRegularFile(GATEWAY_JAR),
                GATEWAY_JAR.toAbsolutePath() + " is missing: build the reactor (mvn verify at the root)");
        int httpPort = LoopbackPorts.free();
        int managementPort = LoopbackPorts.free();
        Map<String, String> gatewayEnvironment = new HashMap<>(environment);
        boolean tls = gatewayEnvironment.replace("QUARKUS_HTTP_SSL_PORT", Integer.toString(httpPort)) != null;
        String url = (tls ? "https" : "http") + "://127.0.0.1:" + httpPort;
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "grafana-oauth-secret"));
        TempoGateway seed = Fixtures.seedGateway(namespace);
        edit.accept(seed, url);
        cluster.create(seed);
        cluster.awaitReady(namespace);
        // Under target/ and gone with this JVM: no service-account token left behind in the machine's /tmp.
        Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
        Path token = Files.createTempFile(target, "gateway-token", "");
        token.toFile().deleteOnExit();
        Files.writeString(token, ServiceAccountTokens.of(namespace, GATEWAY_SA));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java,
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort,
                "-Dtracegate.tenants.provisioner.url=" + provisioner,
                "-Dtracegate.tenants.provisioner.gateway=" + namespace + "/" + GATEWAY,
                "-Dtracegate.tenants.provisioner.token-file=" + token,
                "-Dtracegate.tenants.provisioner.wait=5s"));
        command.addAll(settings);
        command.addAll(List.of("-jar", GATEWAY_JAR.toString()));
        File log = new File("target/gateway-e2e.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        builder.environment().keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("TRACEGATE_"));
        builder.environment().putAll(gatewayEnvironment);
        SeededGateway gateway = new SeededGateway(builder.start(), url, managementPort);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> status(gateway.management + "/q/health/ready") == 200);
        return gateway;
    }

    /** The status of a GET, -1 when there was no answer. */
    static int status(String url) {
        return HttpStatus.of(HTTP, URI.create(url));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
