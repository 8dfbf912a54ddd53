package dev.tracegate.gateway.auth;

import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ALICE;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.BOB;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tracegate.gateway.tenant.Tenant;
import dev.tracegate.gateway.tenant.TenantRegistry;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandInResource;
import dev.tracegate.tenants.rbac.Caller;

/**
 * The direct verification of a bearer token no cache holds (with the keys quarkus-oidc holds, without its HTTP
 * security): it accepts a good token of the tenant's issuer as quarkus-oidc would, refuses at once what quarkus-oidc
 * would refuse on the same check, and leaves the rest to quarkus-oidc; the client gets the same refusal either way.
 * Keycloak is the real issuer.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class DirectTokenVerifierTest {

    private static final String TEAM_A = "/api/traces/v1/team-a";

    @Inject
    DirectTokenVerifier verifier;

    @Inject
    TenantRegistry registry;

    private Tenant teamA;

    /** quarkus-oidc connects to a tenant's issuer on the tenant's first request; this is that request. */
    @BeforeEach
    void connectedTenant() {
        TempoStandInResource.fresh();
        given().auth().oauth2(KeycloakTestResource.accessToken(ALICE)).when().get(TEAM_A + "/tempo/api/echo")
                .then().statusCode(200);
        teamA = registry.current().orElseThrow().tenant("team-a").orElseThrow();
    }

    @Test
    void aGoodTokenNeverSeenBeforeIsAcceptedAsQuarkusOidcAcceptsIt() {
        DirectTokenVerifier.Verdict verdict = verifier.verify(teamA, KeycloakTestResource.accessToken(ALICE));
        assertFalse(verdict.refused());
        JsonWebToken jwt = verdict.token();
        assertNotNull(jwt, "accepted at once");
        assertEquals("alice@example.com", jwt.getName(), "the tenant's usernameClaim names the caller");
        assertTrue(jwt.getExpirationTime() > System.currentTimeMillis() / 1000, "exp read from the token");
        Caller caller = CallerAuthenticator.callerOf(jwt, teamA);
        assertEquals("alice@example.com", caller.subject());
        assertTrue(caller.groups().contains(KeycloakTestResource.GROUP_A_WRITERS), "groups from groupClaim");
    }

    /** A token it must not accept, and whether quarkus-oidc would refuse it on the check that failed here. */
    private record Bad(String token, boolean refusedAtOnce) {
    }

    @Test
    void everyTokenItShouldNotAcceptIsRefusedAtOnceOrLeftToQuarkusOidcWhichRefusesIt() {
        String good = KeycloakTestResource.accessToken(ALICE);
        var grant = KeycloakTestResource.passwordGrant("team-a", KeycloakTestResource.CLIENT_A,
                KeycloakTestResource.CLIENT_A_SECRET, ALICE, KeycloakTestResource.password(ALICE));
        Map<String, Bad> notForTeamA = new LinkedHashMap<>();
        // No key of team-a's issuer verifies them: quarkus-oidc fetches the issuer's keys again before it refuses.
        notForTeamA.put("another tenant's issuer", new Bad(KeycloakTestResource.accessToken(BOB), false));
        notForTeamA.put("alg none (and no key id)", new Bad(unsigned(good), false));
        notForTeamA.put("another client's audience", new Bad(KeycloakTestResource.accessToken("team-a",
                KeycloakTestResource.OTHER_CLIENT, KeycloakTestResource.OTHER_CLIENT_SECRET, ALICE,
                KeycloakTestResource.password(ALICE)), true));
        notForTeamA.put("a tampered signature", new Bad(tamperedSignature(good), true));
        notForTeamA.put("claims changed under the signature", new Bad(withPayload(good, claimsOf(good)
                .replace("alice@example.com", "anna@example.com")), true));
        // Good signatures: quarkus-oidc and the gateway refuse them as what they are.
        notForTeamA.put("an ID token (typ ID)", new Bad(grant.idToken(), false));
        notForTeamA.put("a refresh token", new Bad(grant.refreshToken(), false));
        notForTeamA.put("not a JWT", new Bad("opaque-token-value", true));
        notForTeamA.put("two parts only", new Bad(good.substring(0, good.lastIndexOf('.')), true));
        notForTeamA.forEach((what, bad) -> {
            DirectTokenVerifier.Verdict verdict = verifier.verify(teamA, bad.token());
            assertNull(verdict.token(), what + ": not accepted directly");
            assertEquals(bad.refusedAtOnce(), verdict.refused(),
                    what + (bad.refusedAtOnce() ? ": refused at once" : ": left to quarkus-oidc"));
            given().auth().oauth2(bad.token()).when().get(TEAM_A + "/tempo/api/echo")
                    .then().statusCode(401).contentType(ContentType.JSON).body("error", equalTo("unauthorized"))
                    .header("WWW-Authenticate", containsString("error=\"invalid_token\""));
        });
    }

    /**
     * A tenant whose configuration quarkus-oidc has not taken up yet (the gateway reloaded it; quarkus-oidc
     * reconnects on the tenant's next request through it) is not verified with the old configuration's issuer.
     */
    @Test
    void aTenantConfigurationQuarkusOidcHasNotTakenUpIsLeftToIt() {
        Tenant reloaded = new Tenant(teamA.name(), teamA.id(), teamA.oidc(),
                io.quarkus.oidc.OidcTenantConfig.builder(teamA.oidcConfig()).build());
        assertEquals(DirectTokenVerifier.Verdict.UNDECIDED,
                verifier.verify(reloaded, KeycloakTestResource.accessToken(ALICE)));
        assertEquals(DirectTokenVerifier.Verdict.UNDECIDED,
                verifier.verify(reloaded, tamperedSignature(KeycloakTestResource.accessToken(ALICE))),
                "nor refused with it");
        assertNotNull(verifier.verify(teamA, KeycloakTestResource.accessToken(ALICE)).token(), "the current one is");
    }

    private static String claimsOf(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    private static String withPayload(String token, String claims) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + base64Url(claims) + "." + parts[2];
    }

    private static String tamperedSignature(String token) {
        int last = token.length() - 10;
        char flipped = token.charAt(last) == 'A' ? 'B' : 'A';
        return token.substring(0, last) + flipped + token.substring(last + 1);
    }

    private static String unsigned(String token) {
        return base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + token.split("\\.")[1] + ".";
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
