package dev.tracegate.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesRegex;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/** A tenant over tracegate.limits.requests-per-second gets 429 with Retry-After; other tenants do not notice. */
@QuarkusTest
@TestProfile(RateLimitTest.OnePerTenSeconds.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class RateLimitTest {

    /** A burst of two, then one request every ten seconds: a test's third request always comes too soon. */
    public static class OnePerTenSeconds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.limits.requests-per-second", "0.1", "tracegate.limits.burst", "2");
        }
    }

    @Test
    void theThirdRequestOfABurstOfTwoIs429() {
        String alice = KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
        given().auth().oauth2(alice).get("/api/traces/v1/team-a/tempo/api/echo").then().statusCode(200);
        given().auth().oauth2(alice).get("/api/traces/v1/team-a/tempo/api/echo").then().statusCode(200);
        given().auth().oauth2(alice).get("/api/traces/v1/team-a/tempo/api/echo")
                .then().statusCode(429).contentType(ContentType.JSON)
                .header("Retry-After", matchesRegex("[1-9][0-9]?"))
                .body("error", equalTo("rate_limited"));
        given().auth().oauth2(KeycloakTestResource.accessToken(KeycloakTestResource.BOB))
                .get("/api/traces/v1/team-b/tempo/api/echo").then().statusCode(200);
    }

    @Test
    void callersWithoutAValidTokenDoNotUseUpTheAllowance() {
        for (int i = 0; i < 5; i++) {
            given().auth().oauth2("forged").get("/api/traces/v1/team-b/tempo/api/echo").then().statusCode(401);
        }
        // team-b's two requests of burst (bob makes one in each test) are still there.
        given().auth().oauth2(KeycloakTestResource.accessToken(KeycloakTestResource.BOB))
                .get("/api/traces/v1/team-b/tempo/api/echo").then().statusCode(200);
    }
}
