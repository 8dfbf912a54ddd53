package dev.tracegate.provisioner.reconcile;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_SA;
import static dev.tracegate.provisioner.support.Fixtures.TENANT;
import static dev.tracegate.provisioner.support.Fixtures.TENANT_SECRET;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.TempoGatewayStatus;
import dev.tracegate.provisioner.grafana.GrafanaStandIn;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.ServiceAccountTokens;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Writes the API server refuses are retried, and what the provisioner tells about its writes loses nothing and says
 * nothing twice. A 409 Conflict (the object changed since the informer's copy: a user's edit, a GitOps sync) is
 * routine: counted as a conflict, not as a failure that the TracegateProvisionerDatasourcesNotSynced alert counts.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class RefusedWriteTest {
    /** What the API server answers to a write that carries an outdated resourceVersion. */
    static final String CONFLICT = """
            {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Conflict", "code": 409,
             "message": "Operation cannot be fulfilled on tempogateways.tracegate.dev \\"tempo-foo\\": the object has been modified; please apply your changes to the latest version and try again"}
            """;
    /**
     * What the API server answers when an admission webhook denies a write (the client retries a 5xx by itself, so
     * a refusal that reaches the provisioner is a 4xx like this one).
     */
    static final String DENIED = """
            {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403,
             "message": "admission webhook \\"secrets.policy.example\\" denied the request: Secret writes are frozen"}
            """;

    @KubernetesTestServer
    KubernetesServer mockServer;

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry meters;

    double reconciles(String result) {
        return meters.counter("tracegate.provisioner.reconciles", "result", result).count();
    }

    @Test
    void aConflictingStatusWriteIsRetriedAndCountedAsAConflict() {
        Cluster cluster = new Cluster(client);
        String namespace = Fixtures.freshNamespace();
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "s3cret"));
        mockServer.expect().put()
                .withPath("/apis/tracegate.dev/v1alpha1/namespaces/" + namespace + "/tempogateways/" + GATEWAY + "/status")
                .andReturn(409, CONFLICT).once();
        double conflicts = reconciles("conflict");

        cluster.create(Fixtures.seedGateway(namespace));

        cluster.awaitReady(namespace);
        // At least: another TempoGateway of this application may meet a conflict of its own meanwhile.
        assertTrue(reconciles("conflict") >= conflicts + 1, "the refused status write, counted as a conflict");
    }

    @Test
    void aConflictingFinalizerRemovalIsRetriedAndTheCleanupToldOnce() {
        Cluster cluster = new Cluster(client);
        String namespace = Fixtures.freshNamespace();
        try (GrafanaStandIn grafana = GrafanaStandIn.start()) {
            // With Grafana: the finalizer holds the deletion until its datasources are gone.
            cluster.create(cluster.seedWithGrafana(namespace, grafana));
            cluster.awaitReady(namespace);
            // The finalizer is in by now: the next patch of the TempoGateway itself is its removal.
            mockServer.expect().patch()
                    .withPath("/apis/tracegate.dev/v1alpha1/namespaces/" + namespace + "/tempogateways/" + GATEWAY)
                    .andReturn(409, CONFLICT).once();

            client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();

            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway(namespace) == null
                    && !eventsOf(cluster, namespace, "CleanedUp").isEmpty());
            assertEquals(1, eventsOf(cluster, namespace, "CleanedUp").size(), () -> eventsOf(cluster, namespace, "CleanedUp").toString());
        }
    }

    @Test
    void whenOneTenantSecretCannotBeWrittenTheOthersWrittenMeanwhileAreStillTold() {
        Cluster cluster = new Cluster(client);
        String namespace = readyGatewayOfThreeTenants(cluster);
        // The last Secret of the plan: the other two are written (or on their way) before its write fails.
        mockServer.expect().put().withPath("/api/v1/namespaces/" + namespace + "/secrets/oidc-ops")
                .andReturn(403, DENIED).once();

        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "second-secret"));

        List<String> secrets = List.of(TENANT_SECRET, "oidc-dev", "oidc-ops");
        await().atMost(Duration.ofSeconds(20)).until(() -> secrets.stream()
                .allMatch(name -> "second-secret".equals(cluster.secretValue(namespace, name, "clientSecret"))));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<String> told = eventsOf(cluster, namespace, "SecretUpdated").stream().map(Event::getMessage).toList();
            for (String name : secrets) {
                assertEquals(1, told.stream().filter(message -> message.matches(".*\\b" + name + "\\b.*")).count(),
                        name + " named in exactly one of " + told);
            }
        });
    }

    /**
     * A write the API server keeps refusing (an admission webhook, a quota) is said in Ready, which was True: the
     * status no longer claims what the last reconcile found, and keeps the rest of it (the published document's
     * ETag, the tenants). Once the refusal ends, the retry makes it Ready again.
     */
    @Test
    void aRefusedWriteIsToldInReadyUntilItGoesThrough() {
        Cluster cluster = new Cluster(client);
        String namespace = readyGatewayOfThreeTenants(cluster);
        String etag = cluster.gateway(namespace).getStatus().configETag;
        // Refused at every retry for a while (backoff from 200 ms in tests), then taken.
        mockServer.expect().put().withPath("/api/v1/namespaces/" + namespace + "/secrets/oidc-ops")
                .andReturn(403, DENIED).times(6);

        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "second-secret"));

        Condition refused = await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.READY)
                .filter(c -> GatewayReconciler.WRITE_REFUSED.equals(c.reason)).orElse(null), Objects::nonNull);
        assertEquals("False", refused.status);
        assertTrue(refused.message.contains("(HTTP 403)") && refused.message.contains("Secret writes are frozen"), refused.message);
        TempoGatewayStatus status = cluster.gateway(namespace).getStatus();
        assertEquals(etag, status.configETag, "the rest of the status stays");
        assertEquals(3, status.tenants.size());
        assertTrue(cluster.condition(namespace, Conditions.SECRETS_SYNCED).isPresent());
        Event told = await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(cluster, namespace, GatewayReconciler.WRITE_REFUSED)
                .stream().findFirst().orElse(null), Objects::nonNull);
        assertEquals("Warning", told.getType());

        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.conditionIs(namespace, Conditions.READY, "True"));
        assertEquals("second-secret", cluster.secretValue(namespace, "oidc-ops", "clientSecret"));
    }

    /**
     * The document follows what the tenant Secrets store, not what the reconcile is about to write: while the API
     * server refuses one tenant Secret's write, gateways are never handed that tenant's new secret (its Secret, and
     * so every other replica's caches and a next leader's, still hold the old one), and in the documents a
     * long-polling gateway is handed no tenant's secret goes back to the old one. Publishing from the source Secret's
     * values before the writes breaks both (a prototype did: provisioner-service/README.md, "At scale").
     */
    @Test
    void aRotationWhoseTenantSecretWriteIsRefusedNeverPublishesThatSecretBeforeItIsStoredNorTakesATenantBack() throws Exception {
        Cluster cluster = new Cluster(client);
        String namespace = Fixtures.freshNamespace();
        String path = "/api/v1/gateways/" + namespace + "/" + GATEWAY + "/config";
        String token = ServiceAccountTokens.of(namespace, GATEWAY_SA);
        List<String> tenants = List.of(TENANT, "dev", "ops");
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "first-secret"));
        cluster.create(Fixtures.seedGatewayWith(namespace, "dev", "ops"));
        cluster.awaitReady(namespace);
        String first = cluster.gateway(namespace).getStatus().configETag;
        await().atMost(Duration.ofSeconds(20)).until(() -> first.equals(given().auth().oauth2(token).get(path).header("ETag")));
        // The reconcile of the rotation and its next two retries fail on this write; the third retry stores it.
        mockServer.expect().put().withPath("/api/v1/namespaces/" + namespace + "/secrets/oidc-ops")
                .andReturn(403, DENIED).times(3);

        // A gateway long-polling from the old document: each new one, and what oidc-ops stored when it came.
        List<Map<String, String>> documents = new ArrayList<>();
        List<String> storedForOps = new ArrayList<>();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Future<?> poller = executor.submit(() -> {
            String etag = first;
            Map<String, String> secrets = Map.of();
            while (!secrets.values().stream().allMatch("second-secret"::equals) || secrets.size() < tenants.size()) {
                Response answer = given().auth().oauth2(token).header("If-None-Match", etag).queryParam("wait", "2s").get(path);
                if (answer.statusCode() == 200) {
                    String stored = cluster.secretValue(namespace, "oidc-ops", "clientSecret");
                    etag = answer.header("ETag");
                    secrets = new LinkedHashMap<>();
                    for (String tenant : tenants) {
                        secrets.put(tenant, answer.jsonPath().getString(
                                "tenants.authentication.find { it.tenantName == '" + tenant + "' }.oidc.clientSecret"));
                    }
                    documents.add(secrets);
                    storedForOps.add(stored);
                }
            }
            return null;
        });

        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "second-secret"));

        poller.get(30, TimeUnit.SECONDS);
        executor.shutdown();
        for (int i = 0; i < documents.size(); i++) {
            if ("second-secret".equals(documents.get(i).get("ops"))) {
                assertEquals("second-secret", storedForOps.get(i), "oidc-ops as stored when document " + i
                        + " gave ops its new secret; documents: " + documents);
            }
            if (i > 0) {
                for (String tenant : tenants) {
                    boolean hadNew = "second-secret".equals(documents.get(i - 1).get(tenant));
                    assertTrue(!hadNew || "second-secret".equals(documents.get(i).get(tenant)),
                            tenant + " went back to its old secret in document " + i + ": " + documents);
                }
            }
        }
    }

    /** A fresh namespace with the seed TempoGateway of three tenants (test-oidc, dev, ops), Ready: its name. */
    private static String readyGatewayOfThreeTenants(Cluster cluster) {
        String namespace = Fixtures.freshNamespace();
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "first-secret"));
        cluster.create(Fixtures.seedGatewayWith(namespace, "dev", "ops"));
        cluster.awaitReady(namespace);
        return namespace;
    }

    private static List<Event> eventsOf(Cluster cluster, String namespace, String reason) {
        return cluster.events(namespace).stream().filter(e -> reason.equals(e.getReason())).toList();
    }
}
