package dev.tracegate.provisioner.e2e;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_SA;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.ServiceAccountTokens;

/**
 * The two services together: a real gateway-service (the packaged application, started as its own process) reads
 * its tenants from this provisioner, and picks up a tenant added to the TempoGateway without a restart.
 * <p>
 * Needs {@code gateway-service/target/quarkus-app/}, which the reactor builds before this module
 * ({@code mvn verify} at the root).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class GatewayFollowsProvisionerTest {

    private static final Path GATEWAY_JAR = Path.of("..", "gateway-service", "target", "quarkus-app", "quarkus-run.jar");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/")
    URL provisioner;

    private Process gateway;

    @AfterEach
    void stopGateway() throws InterruptedException {
        if (gateway != null) {
            gateway.destroy();
            gateway.waitFor();
        }
    }

    @Test
    void aTenantAddedToTheTempoGatewayReachesTheRunningGateway() throws Exception {
        assertTrue(Files.isRegularFile(GATEWAY_JAR),
                GATEWAY_JAR.toAbsolutePath() + " is missing: build the reactor (mvn verify at the root)");
        Cluster cluster = new Cluster(client);
        String namespace = Fixtures.freshNamespace();
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "grafana-oauth-secret"));
        cluster.create(Fixtures.seedGateway(namespace));
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.READY, "True"));

        Path token = Files.createTempFile("gateway-token", "");
        Files.writeString(token, ServiceAccountTokens.of(namespace, GATEWAY_SA));
        int httpPort = freePort();
        int managementPort = freePort();
        gateway = startGateway(httpPort, managementPort, namespace + "/" + GATEWAY, token);
        String gatewayUrl = "http://127.0.0.1:" + httpPort;

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> status("http://127.0.0.1:" + managementPort + "/q/health/ready") == 200);
        // Known tenant: the gateway asks for a token (401). Unknown tenant: 404.
        assertEquals(401, status(gatewayUrl + "/api/traces/v1/test-oidc/tempo/api/echo"));
        assertEquals(404, status(gatewayUrl + "/api/traces/v1/second/tempo/api/echo"));

        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).edit(g -> {
            g.getSpec().tenants.authentication.add(Fixtures.tenant("second", "oidc-second"));
            return g;
        });

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> status(gatewayUrl + "/api/traces/v1/second/tempo/api/echo") == 401);
        assertEquals(401, status(gatewayUrl + "/api/traces/v1/test-oidc/tempo/api/echo"));
        assertTrue(gateway.isAlive(), "the same gateway process, never restarted");
    }

    private Process startGateway(int httpPort, int managementPort, String gatewayRef, Path token) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java,
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort,
                "-Dtracegate.tenants.provisioner.url=" + provisioner.toString(),
                "-Dtracegate.tenants.provisioner.gateway=" + gatewayRef,
                "-Dtracegate.tenants.provisioner.token-file=" + token,
                "-Dtracegate.tenants.provisioner.wait=5s",
                "-jar", GATEWAY_JAR.toString()));
        File log = new File("target/gateway-e2e.log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
