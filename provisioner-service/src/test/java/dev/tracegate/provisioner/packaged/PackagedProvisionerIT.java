package dev.tracegate.provisioner.packaged;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_SA;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.ServiceAccountTokens;
import dev.tracegate.testsupport.LaunchedMemory;
import dev.tracegate.testsupport.PackagedAppConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged provisioner (the jar; the native executable with {@code -Dnative}) with its production configuration
 * against fabric8's mock API server: it syncs a TempoGateway, serves its config, answers errors as JSON, and reports
 * health and metrics on the management port. The mock server's address travels to the artifact as configuration.
 */
@QuarkusIntegrationTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
@QuarkusTestResource(PackagedAppConfig.class)
class PackagedProvisionerIT {

    @KubernetesTestServer
    KubernetesServer mockServer;

    @AfterAll
    static void recordMemory() {
        LaunchedMemory.record("provisioner");
    }

    private static String management(String path) {
        return "http://127.0.0.1:" + PackagedAppConfig.managementPort() + path;
    }

    @Test
    void aGatewaysServiceAccountGetsItsTenants() {
        String namespace = Fixtures.freshNamespace();
        Cluster cluster = new Cluster(mockServer.getClient());
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "first-secret"));
        cluster.create(Fixtures.seedGateway(namespace));
        String config = "/api/v1/gateways/" + namespace + "/" + GATEWAY + "/config";
        String token = ServiceAccountTokens.of(namespace, GATEWAY_SA);

        await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(token).get(config).statusCode() == 200);
        given().auth().oauth2(token).when().get(config).then()
                .statusCode(200).contentType(ContentType.JSON)
                .header("ETag", notNullValue())
                .body("tenants.authentication[0].oidc.clientSecret", equalTo("first-secret"));
    }

    @Test
    void clientErrorsAreShortJson() {
        // Until its caches are synced every gateway is answered 503 starting: wait for ready, as a Service does.
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get(management("/q/health/ready")).statusCode() == 200);
        String namespace = Fixtures.freshNamespace();
        String unknown = "/api/v1/gateways/" + namespace + "/no-such-gateway/config";
        given().when().get(unknown).then()
                .statusCode(401).contentType(ContentType.JSON)
                .header("WWW-Authenticate", "Bearer")
                .body("error", equalTo("unauthorized"))
                .body("message", notNullValue());
        given().auth().oauth2("forged-token-value").when().get(unknown).then()
                .statusCode(401).contentType(ContentType.JSON)
                .body("error", equalTo("unauthorized"))
                .body(not(containsString("forged-token-value")));
        given().auth().oauth2(ServiceAccountTokens.of(namespace, GATEWAY_SA)).when().get(unknown).then()
                .statusCode(403).contentType(ContentType.JSON)
                .body("error", equalTo("forbidden"));
        given().auth().oauth2(ServiceAccountTokens.of(namespace, GATEWAY_SA)).queryParam("wait", "soon").when().get(unknown).then()
                .statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("bad_request"));
    }

    @Test
    void healthAndMetricsOnTheManagementPort() {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get(management("/q/health/ready")).statusCode() == 200);
        given().when().get(management("/q/health/ready")).then().statusCode(200).body("status", equalTo("UP"));
        given().when().get(management("/q/health/live")).then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/api/v1/gateways/default/nothing/config").then().statusCode(401);
        given().when().get(management("/q/metrics")).then().statusCode(200)
                .body(containsString("tracegate_provisioner_config_fetches_total{status=\"401\"}"));
    }
}
