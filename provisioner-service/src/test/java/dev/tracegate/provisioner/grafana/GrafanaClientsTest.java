package dev.tracegate.provisioner.grafana;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * More Grafana connections in use than the client cache keeps (here one): a reconcile still working with a client
 * that left the cache must be able to finish with it; the client closes when the reconcile is done with it.
 */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(GrafanaClientsTest.OneClientKept.class)
class GrafanaClientsTest {

    public static class OneClientKept implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.grafana.client-cache-size", "1");
        }
    }

    @Inject
    GrafanaClients clients;

    GrafanaStandIn grafana;

    @BeforeEach
    void startGrafana() {
        grafana = GrafanaStandIn.start();
    }

    @AfterEach
    void stopGrafana() {
        grafana.close();
    }

    @Test
    void aClientInUseKeepsWorkingAfterAnotherConnectionTakesItsPlaceInTheCache() {
        try (GrafanaClients.Lease first = clients.lease(grafana.tokenConnection())) {
            try (GrafanaClients.Lease second = clients.lease(grafana.basicAuthConnection(null))) {
                assertEquals(200, status(second.api().list()));
                assertEquals(200, status(first.api().list()), "the first reconcile's client was closed under it");
            }
            assertEquals(200, status(first.api().list()));
        }
    }

    @Test
    void aClientThatLeftTheCacheClosesWithItsLastLeaseAndTheConnectionGetsAFreshOne() {
        GrafanaClients.Lease first = clients.lease(grafana.tokenConnection());
        GrafanaClients.Lease again = clients.lease(grafana.tokenConnection());
        assertSame(first.api(), again.api(), "one client per connection while it is cached");
        clients.lease(grafana.basicAuthConnection(null)).close();
        GrafanaDatasourceApi leftTheCache = first.api();

        first.close();
        assertEquals(200, status(leftTheCache.list()), "still leased by the second reconcile");
        again.close();
        again.close(); // closing a lease twice gives nothing back twice
        assertThrows(RuntimeException.class, leftTheCache::list, "closed once nobody uses it");

        try (GrafanaClients.Lease fresh = clients.lease(grafana.tokenConnection())) {
            assertNotSame(leftTheCache, fresh.api());
            assertEquals(200, status(fresh.api().list()));
        }
    }

    private static int status(Response response) {
        try (response) {
            return response.getStatus();
        }
    }
}
