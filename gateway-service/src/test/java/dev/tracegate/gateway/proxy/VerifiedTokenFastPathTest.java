package dev.tracegate.gateway.proxy;

import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ALICE;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ANNA;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * A bearer token the gateway has verified once takes the fast path on later requests (TracesApiRoute, before
 * Quarkus' HTTP security): every check but the signature still applies there, and bodies stream as on the first
 * request. Each test sends its token once to have it verified, then again.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class VerifiedTokenFastPathTest {

    private static final String TEAM_A = "/api/traces/v1/team-a";
    private static final String TEAM_B = "/api/traces/v1/team-b";

    private TempoStandIn tempo;

    @BeforeEach
    void freshTempo() {
        tempo = TempoStandInResource.fresh();
    }

    private static String verifiedToken(String user) {
        String token = KeycloakTestResource.accessToken(user);
        given().auth().oauth2(token).when().get(TEAM_A + "/tempo/api/echo").then().statusCode(200);
        return token;
    }

    @Test
    void aStreamedBodyArrivesWholeWithAnAlreadyVerifiedToken() {
        String token = verifiedToken(ALICE);
        byte[] body = new byte[3 * 1024 * 1024];
        new Random(11).nextBytes(body);
        given().auth().oauth2(token).contentType("application/x-protobuf")
                .body(new java.io.ByteArrayInputStream(body)) // no Content-Length: chunked, arriving after the headers
                .when().post(TEAM_A + "/v1/traces")
                .then().statusCode(200);
        assertEquals("team-a-org", tempo.lastRequest().header("X-Scope-OrgID"));
        assertArrayEquals(body, tempo.lastRequest().body());
    }

    @Test
    void rolesStillDecideForAnAlreadyVerifiedToken() {
        String reader = verifiedToken(ANNA);
        tempo.clear();
        given().auth().oauth2(reader).contentType("application/x-protobuf").body(new byte[16])
                .when().post(TEAM_A + "/v1/traces")
                .then().statusCode(403).contentType(ContentType.JSON).body("error", equalTo("forbidden"));
        assertEquals(0, tempo.requests().size(), "nothing reached Tempo");
    }

    @Test
    void aTokenVerifiedForOneTenantIsNotTakenByAnother() {
        String teamA = verifiedToken(ALICE);
        tempo.clear();
        given().auth().oauth2(teamA).when().get(TEAM_B + "/tempo/api/search")
                .then().statusCode(401).contentType(ContentType.JSON).body("error", equalTo("unauthorized"));
        assertEquals(0, tempo.requests().size(), "nothing reached Tempo");
    }

    @Test
    void routesAndMethodsAreCheckedForAnAlreadyVerifiedToken() {
        String token = verifiedToken(ALICE);
        tempo.clear();
        given().auth().oauth2(token).when().get(TEAM_A + "/tempo/shutdown")
                .then().statusCode(404).contentType(ContentType.JSON).body("message", startsWith("no such route"));
        given().auth().oauth2(token).when().get(TEAM_A + "/v1/traces")
                .then().statusCode(405).body("error", equalTo("method_not_allowed"));
        assertEquals(0, tempo.requests().size(), "nothing reached Tempo");
    }
}
