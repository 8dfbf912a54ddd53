package dev.tracegate.provisioner.gatewayconfig;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_SA;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.ServiceAccountTokens;
import dev.tracegate.testsupport.CapturedLogs;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * Rotating the source Secret rewrites every tenant's Secret, one write each; gateways must see one new document,
 * not one per tenant Secret on the way.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class OneRotationOneDocumentTest {
    static final int TENANTS = 200;

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry meters;

    @Test
    void aRotationTouchingEveryTenantSecretPublishesOneDocument() throws Exception {
        Cluster cluster = new Cluster(client);
        String namespace = Fixtures.freshNamespace();
        String path = "/api/v1/gateways/" + namespace + "/" + GATEWAY + "/config";
        String token = ServiceAccountTokens.of(namespace, GATEWAY_SA);
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "first"));
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        for (int i = 1; i < TENANTS; i++) {
            gateway.getSpec().tenants.authentication.add(Fixtures.tenant("tenant-" + i, "oidc-tenant-" + i));
        }
        cluster.create(gateway);
        await().atMost(Duration.ofSeconds(60)).until(() -> cluster.conditionIs(namespace, Conditions.READY, "True"));
        String first = cluster.gateway(namespace).getStatus().configETag;
        await().atMost(Duration.ofSeconds(20)).until(() -> first.equals(given().auth().oauth2(token).get(path).header("ETag")));
        double publishedBefore = published(namespace);

        // A gateway long-polling the whole time, as a real one does: every ETag it is handed.
        Set<String> seen = new LinkedHashSet<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Future<?> poller = executor.submit(() -> {
            String etag = first;
            while (polling.get()) {
                Response answer = given().auth().oauth2(token).header("If-None-Match", etag).queryParam("wait", "2s").get(path);
                if (answer.statusCode() == 200) {
                    etag = answer.header("ETag");
                    synchronized (seen) {
                        seen.add(etag);
                    }
                }
            }
        });

        try (CapturedLogs logs = CapturedLogs.start()) {
            cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "rotated"));

            await().atMost(Duration.ofSeconds(60)).until(() -> "rotated".equals(cluster.secretValue(namespace, "oidc-tenant-" + (TENANTS - 1), "clientSecret")));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                String status = cluster.gateway(namespace).getStatus().configETag;
                return !first.equals(status) && Objects.equals(status, given().auth().oauth2(token).get(path).header("ETag"));
            });
            String rotated = cluster.gateway(namespace).getStatus().configETag;
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                synchronized (seen) {
                    return seen.contains(rotated);
                }
            });
            polling.set(false);
            poller.get();
            executor.shutdown();

            assertEquals(Set.of(rotated), seen, "ETags handed to the long-polling gateway");
            assertEquals(1.0, published(namespace) - publishedBefore, "documents published for the rotation");
            // One INFO line for the rewrite, as its Event, not one per tenant Secret.
            List<String> secretLines = logs.records().stream()
                    .filter(r -> r.getLevel().intValue() >= Level.INFO.intValue())
                    .map(CapturedLogs::text)
                    .filter(line -> line.contains(namespace) && line.contains("Secret"))
                    .toList();
            assertEquals(1, secretLines.size(), () -> "INFO lines about Secrets: " + secretLines.stream().limit(5).toList());
            assertTrue(secretLines.get(0).contains("Updated " + TENANTS + " Secrets: "), secretLines.get(0));
        }
    }

    private double published(String namespace) {
        var counter = meters.find("tracegate.provisioner.config.published").tag("gateway", namespace + "/" + GATEWAY).counter();
        return counter == null ? 0 : counter.count();
    }
}
