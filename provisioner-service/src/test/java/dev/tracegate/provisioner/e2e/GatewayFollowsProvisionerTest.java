package dev.tracegate.provisioner.e2e;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_SA;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
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
 * its tenants from this provisioner, picks up a tenant added to the TempoGateway without a restart, and accepts
 * every document the provisioner publishes.
 * <p>
 * Needs {@code gateway-service/target/quarkus-app/}, which the reactor builds before this module
 * ({@code mvn verify} at the root).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class GatewayFollowsProvisionerTest {

    private static final HttpClient HTTP = SeededGateway.HTTP;
    private static final String FAILURE = "tracegate_gateway_config_reloads_total\\{result=\"failure\"}";

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry meters;

    @TestHTTPResource("/")
    URL provisioner;

    private SeededGateway gateway;

    @AfterEach
    void stopGateway() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aTenantAddedToTheTempoGatewayReachesTheRunningGateway() throws Exception {
        Cluster cluster = new Cluster(client);
        String namespace = Fixtures.freshNamespace();
        gateway = SeededGateway.start(cluster, namespace, provisioner, List.of());
        String gatewayUrl = gateway.url;
        // Known tenant: the gateway asks for a token (401). Unknown tenant: 404.
        assertEquals(401, SeededGateway.status(gatewayUrl + "/api/traces/v1/test-oidc/tempo/api/echo"));
        assertEquals(404, SeededGateway.status(gatewayUrl + "/api/traces/v1/second/tempo/api/echo"));

        cluster.editGateway(namespace, g -> g.getSpec().tenants.authentication.add(Fixtures.tenant("second", "oidc-second")));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> SeededGateway.status(gatewayUrl + "/api/traces/v1/second/tempo/api/echo") == 401);
        assertEquals(401, SeededGateway.status(gatewayUrl + "/api/traces/v1/test-oidc/tempo/api/echo"));
        assertTrue(gateway.process.isAlive(), "the same gateway process, never restarted");
    }

    @Test
    void everyDocumentTheProvisionerPublishesIsAcceptedByTheGateway() throws Exception {
        Cluster cluster = new Cluster(client);
        String namespace = Fixtures.freshNamespace();
        String key = namespace + "/" + GATEWAY;
        gateway = SeededGateway.start(cluster, namespace, provisioner, List.of());
        String metrics = gateway.management + "/q/metrics";
        String ready = gateway.management + "/q/health/ready";
        String token = ServiceAccountTokens.of(namespace, GATEWAY_SA);
        double before = published(key);

        // What users do to a TempoGateway, one after the other; each published document must reach the gateway and be applied.
        List<Consumer<TempoGateway>> changes = List.of(
                g -> g.getSpec().tenants.authentication.add(Fixtures.tenant("second", "oidc-second")),
                g -> g.getSpec().tenants.authentication.get(0).oidc.audiences = List.of("account", "grafana"),
                g -> g.getSpec().tenants.authentication.get(1).tenantId = "team.b(1)*",
                g -> g.getSpec().tenants.authorization.roles.get(0).tenants = List.of(Fixtures.TENANT, "second"),
                g -> g.getSpec().upstream.queryFrontend = "http://tempo-bar-query-frontend:3200/",
                // Refused by the provisioner (never published): the gateway keeps its tenants and refuses nothing.
                g -> g.getSpec().tenants.authentication.get(0).oidc.issuerURL = "http://dex:30556x/dex",
                g -> g.getSpec().tenants.authentication.get(0).oidc.issuerURL = "https://dex.example:8443/dex");
        for (Consumer<TempoGateway> change : changes) {
            double published = published(key);
            cluster.editGateway(namespace, change);
            await().atMost(Duration.ofSeconds(20)).until(() -> published(key) > published
                    || cluster.condition(namespace, Conditions.CONFIG_PUBLISHED).map(c -> "InvalidTenants".equals(c.reason)).orElse(false));
            awaitGatewayServes(config(namespace), token, ready, metrics);
        }
        double published = published(key);
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "rotated"));
        await().atMost(Duration.ofSeconds(20)).until(() -> published(key) > published);
        awaitGatewayServes(config(namespace), token, ready, metrics);

        assertEquals(0.0, gatewayMetric(metrics, FAILURE), "documents the gateway refused");
        // Every change but the refused one published a document, and so did the rotation.
        assertTrue(published(key) - before >= (changes.size() - 1) + 1, "documents published: " + (published(key) - before));
        assertTrue(gateway.process.isAlive());
    }

    private String config(String namespace) {
        return provisioner + "api/v1/gateways/" + namespace + "/" + GATEWAY + "/config";
    }

    /**
     * Waits until the gateway serves the document the provisioner publishes now, and has refused none. Not a count of
     * documents: two published within moments of each other reach a long-polling gateway as the second alone. The
     * gateway's readiness names the document in force by the first 12 hex digits of its SHA-256.
     */
    private static void awaitGatewayServes(String config, String token, String ready, String metrics) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            String published = body(HttpRequest.newBuilder(URI.create(config)).header("Authorization", "Bearer " + token));
            String serving = body(HttpRequest.newBuilder(URI.create(ready)));
            if (published == null || serving == null) {
                return false;
            }
            String version = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(published.getBytes(StandardCharsets.UTF_8)), 0, 6);
            return Pattern.compile("\"version\"\\s*:\\s*\"" + version + "\"").matcher(serving).find()
                    && gatewayMetric(metrics, FAILURE) == 0.0;
        });
    }

    private static String body(HttpRequest.Builder request) throws InterruptedException {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private double published(String key) {
        var counter = meters.find("tracegate.provisioner.config.published").tag("gateway", key).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double gatewayMetric(String metrics, String series) {
        try {
            String scrape = HTTP.send(HttpRequest.newBuilder(URI.create(metrics)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.Ee+-]+)$").matcher(scrape);
            return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

}
