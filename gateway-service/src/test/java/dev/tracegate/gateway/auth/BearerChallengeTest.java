package dev.tracegate.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * What a client without usable credentials is told, as RFC 6750 3.1 has it: a request lacking any authentication
 * information the gateway can use gets the bare challenge {@code Bearer realm="<tenant>"}, without an error code; a
 * token or session that was checked and refused gets {@code error="invalid_token"}.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class BearerChallengeTest {

    private static final String ECHO = "/api/traces/v1/team-a/tempo/api/echo";

    private TempoStandIn tempo;

    @BeforeEach
    void freshTempo() {
        tempo = TempoStandInResource.fresh();
    }

    @Test
    void noCredentialsAtAllGetTheBareChallenge() {
        askedForABearerToken(given());
        assertEquals(0, tempo.requests().size());
    }

    /**
     * The browser's session cookie beside an Authorization header that is no bearer token: quarkus-oidc then reads
     * neither, and the caller is anonymous, as if it had sent nothing.
     */
    @Test
    void credentialsTheGatewayCannotUseGetTheBareChallengeToo() {
        askedForABearerToken(given().header("Authorization", "Basic dXNlcjpwYXNzd29yZA==").cookie("q_session_team-a", "stale"));
        askedForABearerToken(given().header("Authorization", "Bearer ").cookie("q_session_team-a", "stale"));
        assertEquals(0, tempo.requests().size());
    }

    @Test
    void aRefusedTokenOrSessionCookieIsAnInvalidToken() {
        for (RequestSpecification request : List.of(given().auth().oauth2("not.a.jwt"), given().cookie("q_session_team-a", "garbled"))) {
            request.redirects().follow(false).when().get(ECHO)
                    .then().statusCode(401).contentType(ContentType.JSON)
                    .header("WWW-Authenticate", equalTo("Bearer realm=\"team-a\", error=\"invalid_token\""))
                    .body("error", equalTo("unauthorized"));
        }
        assertEquals(0, tempo.requests().size());
    }

    private static void askedForABearerToken(RequestSpecification request) {
        request.redirects().follow(false).when().get(ECHO)
                .then().statusCode(401).contentType(ContentType.JSON)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"team-a\""))
                .body("error", equalTo("unauthorized"))
                .body("message", equalTo("send a bearer token of tenant 'team-a' in the Authorization header"));
    }
}
