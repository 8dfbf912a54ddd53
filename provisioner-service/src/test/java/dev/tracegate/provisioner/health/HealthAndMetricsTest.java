package dev.tracegate.provisioner.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Inject;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Health and metrics live on the management interface (its /q root is implied in the paths below), apart from the gateways' API. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class HealthAndMetricsTest {
    @Inject
    KubernetesClient client;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "/health/live", management = true)
    URL live;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void readyOnceTheInformersHaveSyncedAndTheApiPortListens() {
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get(ready).statusCode() == 200);
        given().when().get(ready).then()
                .statusCode(200)
                .body("checks.name", hasItem("informers-synced"))
                // Ready only once the gateways' API port listens (ApiPortReadinessCheck).
                .body("checks.find { it.name == 'api-port' }.data.scheme", equalTo("http"));
        given().when().get(live).then().statusCode(200);
    }

    @Test
    void metricsCountReconcilesAndConfigFetches() {
        String namespace = Fixtures.freshNamespace();
        Cluster cluster = new Cluster(client);
        cluster.seedReadyGateway(namespace, "s3cret");
        given().when().get("/api/v1/gateways/" + namespace + "/nothing/config").then().statusCode(401);

        await().atMost(Duration.ofSeconds(20)).until(() -> given().get(metrics).asString().contains("tracegate_provisioner_reconciles_total{result=\"ready\"}"));
        given().when().get(metrics).then()
                .statusCode(200)
                .body(containsString("tracegate_provisioner_config_fetches_total{status=\"401\"}"))
                // This replica leads (it just reconciled): what TracegateProvisionerLeaderMissing sums.
                .body(containsString("tracegate_provisioner_leader 1.0"));
    }
}
