package dev.tracegate.provisioner.secrets;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.SOURCE_SECRET;
import static dev.tracegate.provisioner.support.Fixtures.TENANT_SECRET;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.SecretSyncSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.reconcile.GatewayWatch;
import dev.tracegate.provisioner.support.ApiRequestLog;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tenant OIDC Secrets are filled from the secretSync source, kept in step with it, and never taken from someone else. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class TenantSecretSyncTest {
    @Inject
    KubernetesClient client;

    @Inject
    GatewayWatch watch;

    Cluster cluster;
    String namespace;

    @BeforeEach
    void freshNamespace() {
        cluster = new Cluster(client);
        namespace = Fixtures.freshNamespace();
    }

    @Test
    void seedExampleGetsItsTenantSecretFromGrafanasOAuthClient() {
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "grafana-client-secret"));
        TempoGateway gateway = cluster.create(Fixtures.seedGateway(namespace));

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.secret(namespace, TENANT_SECRET) != null);
        Secret secret = cluster.secret(namespace, TENANT_SECRET);
        assertEquals("grafana", cluster.secretValue(namespace, TENANT_SECRET, "clientID"));
        assertEquals("grafana-client-secret", cluster.secretValue(namespace, TENANT_SECRET, "clientSecret"));
        assertEquals(Map.of("app.kubernetes.io/managed-by", "tracegate-provisioner", "app.kubernetes.io/part-of", "tracegate",
                "tracegate.dev/gateway", GATEWAY), secret.getMetadata().getLabels());
        OwnerReference owner = secret.getMetadata().getOwnerReferences().get(0);
        assertEquals("TempoGateway", owner.getKind());
        assertEquals(GATEWAY, owner.getName());
        assertEquals(gateway.getMetadata().getUid(), owner.getUid());
        assertTrue(owner.getController());

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.SECRETS_SYNCED, "True"));
    }

    @Test
    void rotatingTheSourceReachesTheTenantSecret() {
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "first-secret"));
        cluster.create(Fixtures.seedGateway(namespace));
        await().atMost(Duration.ofSeconds(20)).until(() -> "first-secret".equals(cluster.secretValue(namespace, TENANT_SECRET, "clientSecret")));

        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "second-secret"));

        await().atMost(Duration.ofSeconds(20)).until(() -> "second-secret".equals(cluster.secretValue(namespace, TENANT_SECRET, "clientSecret")));
    }

    @Test
    void aTenantSecretEditedByHandIsPutBack() {
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "grafana-client-secret"));
        cluster.create(Fixtures.seedGateway(namespace));
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.SECRETS_SYNCED, "True"));

        cluster.editSecret(namespace, TENANT_SECRET,
                s -> s.getData().put("clientSecret", Base64.getEncoder().encodeToString("tampered".getBytes(StandardCharsets.UTF_8))));

        await().atMost(Duration.ofSeconds(20)).until(() -> "grafana-client-secret".equals(cluster.secretValue(namespace, TENANT_SECRET, "clientSecret")));
    }

    @Test
    void theTenantSecretsItWritesAreWatchedByTheirLabelNotOneWatchEach() {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().tenants.authentication.add(Fixtures.tenant("dev", "oidc-dev"));
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "grafana-client-secret"));
        cluster.create(gateway);
        cluster.awaitReady(namespace);

        assertTrue(watch.namedSecrets().contains(namespace + "/" + SOURCE_SECRET), watch.namedSecrets()::toString);
        assertFalse(watch.namedSecrets().contains(namespace + "/" + TENANT_SECRET), watch.namedSecrets()::toString);
        assertFalse(watch.namedSecrets().contains(namespace + "/oidc-dev"), watch.namedSecrets()::toString);
    }

    @Test
    void aRotationReachingManyTenantsIsOneEventNamingTheirSecrets() {
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "first-secret"));
        cluster.create(Fixtures.seedGatewayWith(namespace, "dev", "ops"));
        cluster.awaitReady(namespace);

        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "second-secret"));

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.events(namespace).stream().anyMatch(e -> "SecretUpdated".equals(e.getReason())));
        List<Event> updated = cluster.events(namespace).stream().filter(e -> "SecretUpdated".equals(e.getReason())).toList();
        assertEquals(1, updated.size(), updated::toString);
        for (String name : List.of(TENANT_SECRET, "oidc-dev", "oidc-ops")) {
            assertEquals("second-secret", cluster.secretValue(namespace, name, "clientSecret"));
            assertTrue(updated.get(0).getMessage().contains(name), updated.get(0).getMessage());
        }
    }

    @Test
    void plainClientIdAndSecretKeysWorkToo() {
        cluster.apply(Fixtures.secret(namespace, SOURCE_SECRET, Map.of("clientID", "plain-id", "clientSecret", "plain-secret")));
        cluster.create(Fixtures.seedGateway(namespace));

        await().atMost(Duration.ofSeconds(20)).until(() -> "plain-id".equals(cluster.secretValue(namespace, TENANT_SECRET, "clientID")));
        assertEquals("plain-secret", cluster.secretValue(namespace, TENANT_SECRET, "clientSecret"));
    }

    @Test
    void aSecretSomeoneElseMadeIsLeftAloneAndTheConditionNamesIt() {
        cluster.apply(Fixtures.secret(namespace, TENANT_SECRET, Map.of("clientID", "hand-made", "clientSecret", "hand-made-secret")));
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "grafana-client-secret"));
        cluster.create(Fixtures.seedGateway(namespace));

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.SECRETS_SYNCED, "False"));
        Condition synced = cluster.condition(namespace, Conditions.SECRETS_SYNCED).orElseThrow();
        assertEquals("ForeignSecret", synced.reason);
        assertTrue(synced.message.contains(TENANT_SECRET), synced.message);
        assertEquals("False", cluster.condition(namespace, Conditions.READY).orElseThrow().status);
        assertEquals("hand-made", cluster.secretValue(namespace, TENANT_SECRET, "clientID"));
        Map<String, String> labels = cluster.secret(namespace, TENANT_SECRET).getMetadata().getLabels();
        assertTrue(labels == null || !labels.containsKey("app.kubernetes.io/managed-by"), "labels: " + labels);
        assertEquals("Foreign", cluster.gateway(namespace).getStatus().tenants.get(0).secretResult);
    }

    @Test
    void aSecretNoGatewayNamesAndTheProvisionerDidNotMakeIsNeverRead() {
        String unrelated = "unrelated-" + namespace;
        cluster.apply(Fixtures.secret(namespace, unrelated, Map.of("password", "not-for-tracegate")));
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "grafana-client-secret"));
        cluster.create(Fixtures.seedGateway(namespace));
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.SECRETS_SYNCED, "True"));

        List<ApiRequestLog.ApiRequest> secretReads = ApiRequestLog.read().stream()
                .filter(r -> r.resource().equals("secrets") && r.group().isEmpty()).toList();
        assertEquals(List.of(), secretReads.stream().filter(r -> r.name().equals(unrelated)).toList());
        assertEquals(List.of(), secretReads.stream()
                .filter(r -> (r.verb().equals("list") || r.verb().equals("watch")) && r.name().isEmpty() && r.labelSelector().isEmpty())
                .map(ApiRequestLog.ApiRequest::toString).distinct().toList(),
                "lists and watches of Secrets that would hold Secrets nobody named");
        assertTrue(secretReads.stream().anyMatch(r -> r.verb().equals("watch") && r.name().equals(SOURCE_SECRET)),
                "the source Secret is watched by name: " + secretReads);
    }

    @Test
    void aSecretIsWatchedWhileATempoGatewayNamesItAndNoLonger() {
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "grafana-client-secret"));
        cluster.create(Fixtures.seedGateway(namespace));
        await().atMost(Duration.ofSeconds(20)).until(() -> watch.namedSecrets().contains(namespace + "/" + SOURCE_SECRET));

        cluster.editGateway(namespace, g -> g.getSpec().secretSync.sourceSecret = "other-source");

        await().atMost(Duration.ofSeconds(20)).until(() -> !watch.namedSecrets().contains(namespace + "/" + SOURCE_SECRET)
                && watch.namedSecrets().contains(namespace + "/other-source"));
    }

    @Test
    void aMissingSourceSecretIsReportedAndPicksUpWhenItAppears() {
        cluster.create(Fixtures.seedGateway(namespace));

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.SECRETS_SYNCED, "False"));
        Condition synced = cluster.condition(namespace, Conditions.SECRETS_SYNCED).orElseThrow();
        assertEquals("SourceSecretMissing", synced.reason);
        assertTrue(synced.message.contains(SOURCE_SECRET), synced.message);

        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "late-secret"));

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.SECRETS_SYNCED, "True"));
        assertEquals("late-secret", cluster.secretValue(namespace, TENANT_SECRET, "clientSecret"));
    }

    @Test
    void tenantsLeftOutOfSecretSyncReadTheirOwnSecret() {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().tenants.authentication.add(Fixtures.tenant("dev", "oidc-dev"));
        gateway.getSpec().secretSync.tenants = List.of("dev");
        cluster.apply(Fixtures.secret(namespace, TENANT_SECRET, Map.of("clientID", "own-id", "clientSecret", "own-secret")));
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "grafana-client-secret"));
        cluster.create(gateway);

        cluster.awaitReady(namespace);
        assertEquals("grafana-client-secret", cluster.secretValue(namespace, "oidc-dev", "clientSecret"));
        assertEquals("own-secret", cluster.secretValue(namespace, TENANT_SECRET, "clientSecret"));
        assertEquals("NotManaged", cluster.gateway(namespace).getStatus().tenants.get(0).secretResult);
    }

    @Test
    void explicitKeysOfTheSourceAreHonoured() {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().secretSync = new SecretSyncSpec();
        gateway.getSpec().secretSync.sourceSecret = "custom";
        gateway.getSpec().secretSync.clientIDKey = "id";
        gateway.getSpec().secretSync.clientSecretKey = "secret";
        cluster.apply(Fixtures.secret(namespace, "custom", Map.of("id", "custom-id", "secret", "custom-secret")));
        cluster.create(gateway);

        await().atMost(Duration.ofSeconds(20)).until(() -> "custom-id".equals(cluster.secretValue(namespace, TENANT_SECRET, "clientID")));
        assertEquals("custom-secret", cluster.secretValue(namespace, TENANT_SECRET, "clientSecret"));
    }
}
