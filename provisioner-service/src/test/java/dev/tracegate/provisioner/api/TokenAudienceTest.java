package dev.tracegate.provisioner.api;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_SA;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.ServiceAccountTokens;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code api.token-audiences} set (the base sets {@code tracegate-provisioner}, the audience of the gateway's
 * projected token), a token counts only when its review says it is valid for one of them: an authenticator that
 * ignores TokenReview's spec.audiences and vouches for the gateway's service account with a token made for another
 * audience (the API server's own, say) does not open the gateway's configuration.
 */
@QuarkusTest
@TestProfile(TokenAudienceTest.ProvisionerAudience.class)
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class TokenAudienceTest {

    public static class ProvisionerAudience implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.provisioner.api.token-audiences", "tracegate-provisioner");
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void aTokenOfTheRightServiceAccountForAnotherAudienceIsRefused() {
        String namespace = Fixtures.freshNamespace();
        Cluster cluster = new Cluster(client);
        cluster.seedReadyGateway(namespace, "s3cret");
        String config = "/api/v1/gateways/" + namespace + "/" + GATEWAY + "/config";

        given().auth().oauth2(ServiceAccountTokens.of(namespace, GATEWAY_SA)).when().get(config).then().statusCode(200);
        given().auth().oauth2(ServiceAccountTokens.boundTo("kubernetes-default", namespace, GATEWAY_SA))
                .when().get(config).then()
                .statusCode(401)
                .body("error", equalTo("unauthorized"));
    }
}
