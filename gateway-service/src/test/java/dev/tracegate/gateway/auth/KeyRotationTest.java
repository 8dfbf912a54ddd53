package dev.tracegate.gateway.auth;

import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ALICE;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.tenant.TenantRegistry;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * The issuer rotates its signing key (Keycloak, a new key of a higher priority) just after someone sent a token with
 * a made-up key id, which made the gateway fetch the issuer's keys once already: tokens of the new key are taken
 * within {@code tracegate.auth.jwks-refresh-interval} (here 3 s), not after quarkus-oidc's 10 minutes; and once
 * quarkus-oidc holds the new key, the direct verification takes new tokens too.
 */
@QuarkusTest
@TestProfile(KeyRotationTest.ShortJwksRefreshInterval.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class KeyRotationTest {

    private static final String ECHO = "/api/traces/v1/team-a/tempo/api/echo";

    public static class ShortJwksRefreshInterval implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.auth.jwks-refresh-interval", "3s");
        }
    }

    @Inject
    DirectTokenVerifier verifier;

    @Inject
    TenantRegistry registry;

    @Test
    void aNewSigningKeyIsTakenWithinTheIntervalEvenAfterAMadeUpKeyIdForcedAFetch() {
        String before = KeycloakTestResource.accessToken(ALICE);
        given().auth().oauth2(before).when().get(ECHO).then().statusCode(200);
        given().auth().oauth2(withKeyId(before, "made-up")).when().get(ECHO).then().statusCode(401);

        String key = KeycloakTestResource.addSigningKey(KeycloakTestResource.REALM_A);
        try {
            assertNotEquals(KeycloakTestResource.header(before).get("kid"),
                    KeycloakTestResource.header(KeycloakTestResource.accessToken(ALICE)).get("kid"),
                    "Keycloak signs with the new key");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> given()
                    .auth().oauth2(KeycloakTestResource.accessToken(ALICE)).when().get(ECHO).then().statusCode(200));
            var teamA = registry.current().orElseThrow().tenant("team-a").orElseThrow();
            assertNotNull(verifier.verify(teamA, KeycloakTestResource.accessToken(ALICE)).token(),
                    "the direct verification holds the new key too");
        } finally {
            KeycloakTestResource.removeSigningKey(KeycloakTestResource.REALM_A, key);
        }
    }


    /** The token with another key id in its header (and so a signature that no longer matches it). */
    private static String withKeyId(String token, String keyId) {
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + keyId + "\"}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8))
                + token.substring(token.indexOf('.'));
    }
}
