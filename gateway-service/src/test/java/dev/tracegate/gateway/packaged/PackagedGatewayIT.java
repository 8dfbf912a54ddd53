package dev.tracegate.gateway.packaged;

import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ALICE;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ANNA;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandInResource;
import dev.tracegate.testsupport.LaunchedMemory;
import dev.tracegate.testsupport.PackagedAppConfig;

/**
 * The packaged gateway (the jar; the native executable with {@code -Dnative}) with its production configuration,
 * a real Keycloak and a Tempo stand-in: routes, error bodies, health and metrics as a client and a kubelet see them.
 * Everything the artifact is given travels as configuration from the test resources.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
@QuarkusTestResource(PackagedGatewayConfig.class)
class PackagedGatewayIT {

    private static final String TEAM_A = "/api/traces/v1/team-a";

    @AfterAll
    static void recordMemory() {
        LaunchedMemory.record("gateway");
    }

    @Test
    void aValidTokenIsProxiedToTempoAsTheTenant() {
        given().auth().oauth2(KeycloakTestResource.accessToken(ANNA))
                .when().get(TEAM_A + "/tempo/api/search/tags")
                .then().statusCode(200)
                .body("orgId", equalTo("team-a-org"))
                .body("path", equalTo("/api/search/tags"));
    }

    @Test
    void aReaderWritingIs403() {
        given().auth().oauth2(KeycloakTestResource.accessToken(ANNA)).contentType("application/json").body("{}")
                .when().post(TEAM_A + "/v1/traces")
                .then().statusCode(403).contentType(ContentType.JSON)
                .body("error", equalTo("forbidden"))
                .body("message", equalTo("'anna@example.com' has no write permission on tenant 'team-a'"));
    }

    @Test
    void noTokenIs401WithAChallengeAndBadTokenIs401() {
        given().when().get(TEAM_A + "/tempo/api/echo")
                .then().statusCode(401).contentType(ContentType.JSON)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"team-a\""))
                .body("error", equalTo("unauthorized"))
                .body("message", containsString("bearer token"));
        given().auth().oauth2("not.a.jwt").when().get(TEAM_A + "/tempo/api/echo")
                .then().statusCode(401).contentType(ContentType.JSON)
                .header("WWW-Authenticate", startsWith("Bearer realm=\"team-a\""))
                .body("error", equalTo("unauthorized"));
    }

    @Test
    void unknownTenantAndTempoAdministrationAreJson404() {
        given().auth().oauth2(KeycloakTestResource.accessToken(ALICE))
                .when().get("/api/traces/v1/team-z/tempo/api/echo")
                .then().statusCode(404).contentType(ContentType.JSON)
                .body("error", equalTo("not_found")).body("message", equalTo("no tenant named 'team-z'"));
        given().auth().oauth2(KeycloakTestResource.accessToken(ALICE))
                .when().get(TEAM_A + "/tempo/shutdown")
                .then().statusCode(404).contentType(ContentType.JSON)
                .body("error", equalTo("not_found"));
    }

    @Test
    void healthAndMetricsOnTheManagementPort() {
        String management = "http://127.0.0.1:" + PackagedAppConfig.managementPort();
        given().when().get(management + "/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get(management + "/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().auth().oauth2(KeycloakTestResource.accessToken(ALICE)).when().get(TEAM_A + "/tempo/api/echo")
                .then().statusCode(200);
        given().when().get(management + "/q/metrics").then().statusCode(200)
                .body(containsString("tracegate_gateway_requests_seconds_count{"));
    }
}
