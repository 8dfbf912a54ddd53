package dev.tracegate.provisioner.datasources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.grafana.GrafanaClients;
import dev.tracegate.provisioner.grafana.GrafanaStandIn;
import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.provisioner.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code tracegate.grafana.allowed-urls} set, a TempoGateway that names another Grafana (here: the same host, another
 * port) gets no call from the provisioner, neither to sync nor to clean up, and its condition says which setting
 * refused it; the allowed Grafana is synced as always.
 */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(GrafanaAllowListTest.OneGrafanaAllowed.class)
class GrafanaAllowListTest {
    private static final String CREDENTIALS = "grafana-admin";
    /** Started before Quarkus, so that the profile can allow its origin. */
    private static final GrafanaStandIn ALLOWED = GrafanaStandIn.start();
    private static final SecretLookup SECRETS = (namespace, name) -> name.equals(CREDENTIALS)
            ? Optional.of(Fixtures.secret(namespace, name, Map.of("token", GrafanaStandIn.TOKEN))) : Optional.empty();

    public static class OneGrafanaAllowed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.grafana.allowed-urls", ALLOWED.url().toString());
        }
    }

    @Inject
    DatasourceSync sync;

    @Inject
    GrafanaClients clients;

    @AfterAll
    static void stopGrafana() {
        ALLOWED.close();
    }

    @Test
    void aGrafanaOutsideTheListIsNeverCalledAndTheConditionSaysWhy() {
        try (GrafanaStandIn other = GrafanaStandIn.start()) {
            TempoGateway gateway = Fixtures.seedGateway(Fixtures.freshNamespace());
            gateway.getSpec().grafana = Fixtures.grafana(other.url() + "/grafana", CREDENTIALS);

            DatasourceSync.Result refused = sync.sync(gateway, SECRETS);
            assertEquals("False", refused.condition().status);
            assertEquals(DatasourceSync.URL_NOT_ALLOWED, refused.condition().reason);
            assertEquals("spec.grafana.url " + other.url() + " is not among the provisioner's tracegate.grafana.allowed-urls",
                    refused.condition().message);
            assertFalse(refused.retry(), "only a new spec (or setting) can change the answer");

            DatasourceSync.CleanupResult cleanup = sync.deleteAll(gateway, SECRETS);
            assertTrue(cleanup.done(), "the deletion is not held for a Grafana the provisioner may not call");
            assertFalse(cleanup.complete());
            assertTrue(cleanup.message().contains("tracegate.grafana.allowed-urls"), cleanup.message());

            // Whatever names the connection, the clients refuse it too.
            assertThrows(IllegalArgumentException.class, () -> clients.lease(other.tokenConnection()));
            assertEquals(List.of(), other.requests(), "nothing reached the Grafana outside the list");

            gateway.getSpec().grafana = Fixtures.grafana(ALLOWED.url().toString(), CREDENTIALS);
            DatasourceSync.Result synced = sync.sync(gateway, SECRETS);
            assertEquals("True", synced.condition().status, synced.condition().message);
            assertEquals(1, ALLOWED.datasources().size());
        }
    }
}
