package dev.tracegate.provisioner.api;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_SA;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.ServiceAccountTokens;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TempoGateway whose tenants every gateway would refuse: the status says so naming the field (as a gateway would
 * log it), an Event says the same, and gateways keep being served the last document they accepted.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class InvalidTenantsTest {
    static final String BAD_ISSUER = "tenants.authentication[0].oidc.issuerURL: must be an http(s) URL";
    static final String NO_AUTHORIZATION = "tenants.authorization: required (roles and roleBindings)";

    @Inject
    KubernetesClient client;

    Cluster cluster;
    String namespace;

    @BeforeEach
    void freshNamespace() {
        cluster = new Cluster(client);
        namespace = Fixtures.freshNamespace();
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "s3cret"));
    }

    @Test
    void aBadIssuerIsRefusedByNameWhileGatewaysKeepTheLastGoodDocument() {
        cluster.create(Fixtures.seedGateway(namespace));
        cluster.awaitReady(namespace);
        String goodEtag = asGateway().get(configPath()).then().statusCode(200).header(GatewayConfigResource.STALE, "false")
                .extract().header("ETag");

        cluster.editGateway(namespace, g -> g.getSpec().tenants.authentication.get(0).oidc.issuerURL = "http://dex:30556x/dex");

        Condition published = refusedNaming(BAD_ISSUER);
        assertTrue(published.message.contains(BAD_ISSUER), published.message);
        await().atMost(Duration.ofSeconds(20)).until(() -> "true".equals(asGateway().get(configPath()).header(GatewayConfigResource.STALE)));
        asGateway().when().get(configPath()).then()
                .statusCode(200)
                .header("ETag", equalTo(goodEtag))
                .body("tenants.authentication[0].oidc.issuerURL", equalTo(Fixtures.ISSUER));
        asGateway().header("If-None-Match", goodEtag).when().get(configPath()).then()
                .statusCode(304).header(GatewayConfigResource.STALE, "true");

        cluster.editGateway(namespace, g -> g.getSpec().tenants.authentication.get(0).oidc.issuerURL = "http://dex:30557/dex");
        cluster.awaitReady(namespace);
        await().atMost(Duration.ofSeconds(20)).until(() -> "false".equals(asGateway().get(configPath()).header(GatewayConfigResource.STALE)));
        asGateway().when().get(configPath()).then().statusCode(200)
                .body("tenants.authentication[0].oidc.issuerURL", equalTo("http://dex:30557/dex"));
    }

    @Test
    void noAuthorizationIsRefusedByNameAndNothingIsEverPublished() {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().tenants.authorization = null;
        cluster.create(gateway);

        refusedNaming(NO_AUTHORIZATION);
        asGateway().when().get(configPath()).then()
                .statusCode(503)
                .body("error", equalTo("config_invalid"))
                .body("message", containsString(NO_AUTHORIZATION));
    }

    /** ConfigPublished=False (InvalidTenants) and Ready=False naming the field, and a Warning Event saying the same. */
    private Condition refusedNaming(String problem) {
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.CONFIG_PUBLISHED)
                .map(c -> "False".equals(c.status) && "InvalidTenants".equals(c.reason)).orElse(false));
        Condition published = cluster.condition(namespace, Conditions.CONFIG_PUBLISHED).orElseThrow();
        assertTrue(published.message.contains(problem), published.message);
        Condition ready = cluster.condition(namespace, Conditions.READY).orElseThrow();
        assertEquals("False", ready.status);
        assertEquals("InvalidTenants", ready.reason);
        assertTrue(ready.message.contains(problem), ready.message);
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.events(namespace).stream().anyMatch(e ->
                "Warning".equals(e.getType()) && "InvalidTenants".equals(e.getReason()) && e.getMessage().contains(problem)));
        return published;
    }

    RequestSpecification asGateway() {
        return given().auth().oauth2(ServiceAccountTokens.of(namespace, GATEWAY_SA));
    }

    String configPath() {
        return "/api/v1/gateways/" + namespace + "/" + GATEWAY + "/config";
    }
}
