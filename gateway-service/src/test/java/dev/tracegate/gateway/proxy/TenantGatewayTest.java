package dev.tracegate.gateway.proxy;

import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ALICE;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ANNA;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ARNOLD;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.BELLA;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.BERT;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.BOB;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RawHttp;
import dev.tracegate.gateway.testsupport.RecordedRequest;
import dev.tracegate.gateway.testsupport.Scrape;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * The gateway end to end: real Keycloak realms as the two tenants' issuers (team-a, team-b), a Tempo stand-in
 * behind it, and the tenants of {@code src/test/resources/tenants/test-tenants.yaml}.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class TenantGatewayTest {

    private static final String TEAM_A = "/api/traces/v1/team-a";
    private static final String TEAM_B = "/api/traces/v1/team-b";

    @TestHTTPResource("/")
    URL gateway;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    private TempoStandIn tempo;

    @BeforeEach
    void freshTempo() {
        tempo = TempoStandInResource.fresh();
    }

    private static String token(String user) {
        return KeycloakTestResource.accessToken(user);
    }

    @Test
    void readerQueriesTempoAsTheTenant() {
        given().auth().oauth2(token(ANNA)).urlEncodingEnabled(false)
                .when().get(TEAM_A + "/tempo/api/search?tags=service.name%3Dcart&limit=20")
                .then().statusCode(200)
                .body("orgId", equalTo("team-a-org"))
                .body("path", equalTo("/api/search"));
        RecordedRequest seen = tempo.lastRequest();
        assertEquals("GET", seen.method());
        assertEquals("tags=service.name%3Dcart&limit=20", seen.query());
    }

    @Test
    void everyTempoReadEndpointIsReachable() {
        String token = token(ALICE);
        for (String path : new String[] { "/api/traces/2f3e0cee77ae5dc9c17ade3689eb2e54",
                "/api/v2/traces/2f3e0cee77ae5dc9c17ade3689eb2e54", "/api/search/tags", "/api/v2/search/tags",
                "/api/v2/search/tag/service.name/values", "/api/metrics/query_range", "/api/echo",
                "/api/status/buildinfo" }) {
            given().auth().oauth2(token).when().get(TEAM_A + "/tempo" + path)
                    .then().statusCode(200).body("path", equalTo(path));
        }
        given().auth().oauth2(token).when().head(TEAM_A + "/tempo/api/echo").then().statusCode(200);
    }

    @Test
    void upstreamNeverSeesTheClientsCredentialsOrOrgId() {
        given().auth().oauth2(token(ALICE))
                .header("X-Scope-OrgID", "team-b-org")
                .header("x-scope-orgid", "someone-else")
                .cookie("grafana_session", "abc")
                .header("X-Grafana-Org-Id", "1")
                // What Grafana's data proxy adds with Forward OAuth Identity besides the access token.
                .header("X-ID-Token", "eyJ.id-token.of-the-user")
                .header("X-Grafana-Id", "eyJ.grafanas-signed-identity")
                .when().get(TEAM_A + "/tempo/api/echo")
                .then().statusCode(200);
        RecordedRequest seen = tempo.lastRequest();
        assertEquals(java.util.List.of("team-a-org"), seen.headerValues("X-Scope-OrgID"));
        assertFalse(seen.hasHeader("Authorization"));
        assertFalse(seen.hasHeader("Cookie"));
        assertFalse(seen.hasHeader("X-ID-Token"));
        assertFalse(seen.hasHeader("X-Grafana-Id"));
        assertEquals("1", seen.header("X-Grafana-Org-Id"), "other headers pass through");
    }

    /**
     * Tempo learns who asked through the X-Forwarded-* headers: the client's address appended to what earlier
     * proxies said, and the scheme and host the client used; a client's own claim of host or scheme is dropped.
     */
    @Test
    void tempoSeesTheClientThroughXForwardedHeaders() throws Exception {
        RawHttp.Response answer = RawHttp.get(gateway, TEAM_A + "/tempo/api/echo", "Authorization: Bearer " + token(ALICE),
                "X-Forwarded-For: 203.0.113.7", "X-Forwarded-Host: evil.example", "X-Forwarded-Proto: https");
        assertEquals(200, answer.status(), answer.body());
        RecordedRequest seen = tempo.lastRequest();
        assertEquals(List.of("203.0.113.7, 127.0.0.1"), seen.headerValues("X-Forwarded-For"));
        assertEquals(List.of("http"), seen.headerValues("X-Forwarded-Proto"));
        assertEquals(List.of(gateway.getHost() + ":" + gateway.getPort()), seen.headerValues("X-Forwarded-Host"));
    }

    /** Headers a Connection header names are for this hop only; the names are matched whole, on every line. */
    @Test
    void headersTheConnectionHeaderNamesStayWithTheGateway() throws Exception {
        RawHttp.Response answer = RawHttp.get(gateway, TEAM_A + "/tempo/api/echo", "Authorization: Bearer " + token(ALICE),
                "Connection: keep-alive, X-Accept-Range", "Connection: X-Hop", "X-Hop: 1", "X-Accept-Range: 2",
                "Accept: application/protobuf", "X-Range: 3");
        assertEquals(200, answer.status(), answer.body());
        RecordedRequest seen = tempo.lastRequest();
        assertFalse(seen.hasHeader("X-Hop"), "named on the second Connection line");
        assertFalse(seen.hasHeader("X-Accept-Range"));
        assertEquals("application/protobuf", seen.header("Accept"), "a part of a listed name is not that name");
        assertEquals("3", seen.header("X-Range"));
    }

    @Test
    void tenantsAreIsolatedBothWays() {
        given().auth().oauth2(token(ALICE)).when().get(TEAM_B + "/tempo/api/echo")
                .then().statusCode(401).body("error", equalTo("unauthorized"));
        given().auth().oauth2(token(BOB)).when().get(TEAM_A + "/tempo/api/echo")
                .then().statusCode(401).body("error", equalTo("unauthorized"));
        given().auth().oauth2(token(BOB)).when().get(TEAM_B + "/tempo/api/echo")
                .then().statusCode(200).body("orgId", equalTo("team-b-org"));
        assertEquals(1, tempo.requests().size(), "only bob's own request reached Tempo");
    }

    @Test
    void tokenForAnotherClientOfTheSameIssuerIsRefused() {
        String otherAudience = KeycloakTestResource.accessToken("team-a", KeycloakTestResource.OTHER_CLIENT,
                KeycloakTestResource.OTHER_CLIENT_SECRET, ALICE, KeycloakTestResource.password(ALICE));
        given().auth().oauth2(otherAudience).when().get(TEAM_A + "/tempo/api/echo")
                .then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer realm=\"team-a\", error=\"invalid_token\""));
        assertEquals(0, tempo.requests().size());
    }

    @Test
    void missingOrGarbageTokenIs401WithAChallenge() {
        given().when().get(TEAM_A + "/tempo/api/echo")
                .then().statusCode(401)
                .contentType(ContentType.JSON)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"team-a\""))
                .body("error", equalTo("unauthorized"))
                .body("message", containsString("bearer token"));
        given().auth().oauth2("not.a.jwt").when().get(TEAM_A + "/tempo/api/echo")
                .then().statusCode(401).contentType(ContentType.JSON)
                .body("message", not(containsString("not.a.jwt")));
        assertEquals(0, tempo.requests().size());
    }

    @Test
    void aBrowserWithoutSessionIsSentToSignIn() {
        given().redirects().follow(false).accept("text/html,application/xhtml+xml")
                .when().get(TEAM_A + "/tempo/api/search?limit=5")
                .then().statusCode(302)
                .header("Location", equalTo("/oidc/team-a/login?redirect=%2Fapi%2Ftraces%2Fv1%2Fteam-a%2Ftempo%2Fapi%2Fsearch%3Flimit%3D5"));
    }

    /**
     * An ID token tells a client who signed in; it is no credential for an API (OpenID Connect Core 1.0 §2). It travels
     * further than access tokens do (RP-initiated logout's id_token_hint puts it in a URL), and Keycloak's carries the
     * client's id as its audience, which the gateway accepts: refused as a bearer token by Keycloak's typ claim.
     */
    @Test
    void keycloaksIdTokenIsNoBearerToken() {
        KeycloakTestResource.Tokens tokens = KeycloakTestResource.passwordGrant(KeycloakTestResource.REALM_A,
                KeycloakTestResource.CLIENT_A, KeycloakTestResource.CLIENT_A_SECRET, ALICE,
                KeycloakTestResource.password(ALICE));
        given().auth().oauth2(tokens.idToken()).when().get(TEAM_A + "/tempo/api/echo")
                .then().statusCode(401).body("error", equalTo("unauthorized"))
                .header("WWW-Authenticate", equalTo("Bearer realm=\"team-a\", error=\"invalid_token\""));
        given().auth().oauth2(tokens.accessToken()).when().get(TEAM_A + "/tempo/api/echo").then().statusCode(200);
    }

    @Test
    void permissionsFollowRolesAndBindings() {
        byte[] spans = "{\"resourceSpans\":[]}".getBytes();
        given().auth().oauth2(token(ANNA)).contentType("application/json").body(spans)
                .when().post(TEAM_A + "/v1/traces")
                .then().statusCode(403).body("error", equalTo("forbidden"))
                .body("message", equalTo("'anna@example.com' has no write permission on tenant 'team-a'"));
        given().auth().oauth2(token(ARNOLD)).when().get(TEAM_A + "/tempo/api/echo")
                .then().statusCode(403);
        // team-b binds the user bob@example.com, not the group b-readers that bella is in.
        given().auth().oauth2(token(BELLA)).when().get(TEAM_B + "/tempo/api/echo")
                .then().statusCode(403);
        given().auth().oauth2(token(ANNA)).when().post(TEAM_A + "/tempo/api/overrides")
                .then().statusCode(403);
        given().auth().oauth2(token(ALICE)).contentType("application/json").body("{}")
                .when().post(TEAM_A + "/tempo/api/overrides")
                .then().statusCode(200);
        assertEquals(1, tempo.requests().size(), "only alice's overrides write reached Tempo");
    }

    @Test
    void anEmailItsIssuerHasNotVerifiedMatchesNoUserBinding() {
        // team-b binds bert@example.com by user; Keycloak signs bert's address with email_verified: false (a user
        // can set his own address), so the binding does not apply: he could have claimed anybody's address.
        given().auth().oauth2(token(BERT)).when().get(TEAM_B + "/tempo/api/echo")
                .then().statusCode(403).body("error", equalTo("forbidden"))
                .body("message", equalTo("a caller whose token has no verified email has no read permission on"
                        + " tenant 'team-b'"));
        given().auth().oauth2(token(BERT)).contentType("application/json").body("{\"resourceSpans\":[]}")
                .when().post(TEAM_B + "/v1/traces")
                .then().statusCode(403);
        // The same kind of binding lets a verified address in.
        given().auth().oauth2(token(BOB)).when().get(TEAM_B + "/tempo/api/echo").then().statusCode(200);
        assertEquals(1, tempo.requests().size(), "only bob's read reached Tempo");
    }

    @Test
    void otlpProtobufArrivesByteForByteWithItsEncoding() {
        byte[] body = new byte[300_000];
        new Random(42).nextBytes(body);
        given().auth().oauth2(token(ALICE))
                .contentType("application/x-protobuf").header("Content-Encoding", "gzip")
                .body(body)
                .when().post(TEAM_A + "/v1/traces")
                .then().statusCode(200);
        RecordedRequest seen = tempo.lastRequest();
        assertEquals("/v1/traces", seen.path());
        assertEquals("team-a-org", seen.orgId());
        assertEquals("gzip", seen.header("Content-Encoding"));
        org.hamcrest.MatcherAssert.assertThat(seen.header("Content-Type"), startsWith("application/x-protobuf"));
        assertArrayEquals(body, seen.body());
    }

    @Test
    void aClientExpecting100ContinueIsServedAtOnce() throws Exception {
        byte[] body = new byte[64 * 1024];
        new Random(7).nextBytes(body);
        var response = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(gateway.toString() + TEAM_A.substring(1) + "/v1/traces"))
                .expectContinue(true)
                .header("Authorization", "Bearer " + token(ALICE))
                .header("Content-Type", "application/x-protobuf")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertArrayEquals(body, tempo.lastRequest().body());
        assertFalse(tempo.lastRequest().hasHeader("Expect"), "the gateway answered the expectation itself");
    }

    @Test
    void otlpJsonFromAnExportersClientCredentials() {
        String exporter = KeycloakTestResource.clientCredentialsToken("team-a", KeycloakTestResource.CLIENT_A,
                KeycloakTestResource.CLIENT_A_SECRET);
        String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[]}]}";
        given().auth().oauth2(exporter).contentType("application/json").body(json)
                .when().post(TEAM_A + "/v1/traces")
                .then().statusCode(200);
        assertEquals(json, tempo.lastRequest().bodyAsString());
    }

    @Test
    void unknownTenantsRoutesAndMethodsAreNamed() {
        given().auth().oauth2(token(ALICE)).when().get("/api/traces/v1/team-z/tempo/api/echo")
                .then().statusCode(404).contentType(ContentType.JSON)
                .body("error", equalTo("not_found")).body("message", equalTo("no tenant named 'team-z'"));
        given().when().get(TEAM_A + "/loki/api/v1/labels")
                .then().statusCode(404).body("message", startsWith("no such route"));
        given().when().get(TEAM_A + "/v1/traces")
                .then().statusCode(405).header("Allow", "POST").body("error", equalTo("method_not_allowed"));
        given().auth().oauth2(token(ALICE)).contentType("application/json").body("{}")
                .when().post(TEAM_A + "/tempo/api/search")
                .then().statusCode(405).header("Allow", "GET, HEAD");
        given().auth().oauth2(token(ALICE)).when().options(TEAM_A + "/tempo/api/overrides")
                .then().statusCode(405).header("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE");
    }

    /**
     * Tempo's answer comes back without what is for its hop only (the headers its Connection header names) and
     * without cookies: one set at the gateway's origin could overwrite a tenant's session cookie there.
     */
    @Test
    void tempoCannotSetCookiesOrHopHeadersOnTheGatewaysOrigin() {
        tempo.respondWith(200, Map.of("Content-Type", "application/json", "Set-Cookie",
                "q_session_team-a=planted; Path=/", "Connection", "X-Hop", "X-Hop", "1", "X-Tempo", "kept"),
                "{}".getBytes(StandardCharsets.UTF_8));
        given().auth().oauth2(token(ALICE)).when().get(TEAM_A + "/tempo/api/echo")
                .then().statusCode(200)
                .header("Set-Cookie", nullValue())
                .header("X-Hop", nullValue())
                .header("X-Tempo", "kept");
    }

    /**
     * A browser led to an API URL on the gateway's origin shows Tempo's answer as data and never runs it as a page:
     * even an answer Tempo labels as HTML (an error that echoes a query) comes with {@code nosniff} and the gateway's
     * policy, in place of any policy Tempo set.
     */
    @Test
    void tempoAnswersNeverRunAsAPageOnTheGatewaysOrigin() {
        tempo.respondWith(400, Map.of("Content-Type", "text/html; charset=utf-8", "Content-Security-Policy",
                "script-src *"), "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8));
        given().auth().oauth2(token(ALICE)).when().get(TEAM_A + "/tempo/api/search?q=%3Cscript%3E")
                .then().statusCode(400)
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox")
                .body(equalTo("<script>alert(1)</script>"));
    }

    @Test
    void bodiesOverTheLimitAre413WhetherDeclaredOrStreamed() {
        byte[] big = new byte[5 * 1024 * 1024]; // the test limit is 4M
        given().auth().oauth2(token(ALICE)).contentType("application/x-protobuf").body(big)
                .when().post(TEAM_A + "/v1/traces")
                .then().statusCode(413).contentType(ContentType.JSON).body("error", equalTo("payload_too_large"));
        given().auth().oauth2(token(ALICE)).contentType("application/x-protobuf")
                .body(new java.io.ByteArrayInputStream(big)) // no Content-Length: chunked
                .when().post(TEAM_A + "/v1/traces")
                .then().statusCode(413).body("error", equalTo("payload_too_large"));
    }

    /** Tempo's status line comes back as Tempo wrote it: the standard reason phrase, or one of its own. */
    @Test
    void tempoStatusLinePassesThrough() {
        tempo.respondWith(429, "text/plain", "per-tenant ingestion limit reached");
        given().auth().oauth2(token(ALICE)).when().get(TEAM_A + "/tempo/api/echo")
                .then().statusLine("HTTP/1.1 429 Too Many Requests");
        tempo.respondWith(503, "Ingester Unavailable", Map.of("Content-Type", "text/plain"),
                "no ingester".getBytes(StandardCharsets.UTF_8));
        given().auth().oauth2(token(ALICE)).when().get(TEAM_A + "/tempo/api/echo")
                .then().statusLine("HTTP/1.1 503 Ingester Unavailable").body(equalTo("no ingester"));
    }

    @Test
    void tempoErrorsPassThroughUnchanged() {
        tempo.respondWith(400, "text/plain", "invalid TraceQL query: unexpected }");
        given().auth().oauth2(token(ALICE)).when().get(TEAM_A + "/tempo/api/search?q=%7B%7D%7D")
                .then().statusCode(400).body(equalTo("invalid TraceQL query: unexpected }"));
    }

    @Test
    void upstreamDroppingTheConnectionIs502() {
        tempo.closeConnection();
        given().auth().oauth2(token(ALICE)).when().get(TEAM_A + "/tempo/api/search")
                .then().statusCode(502).contentType(ContentType.JSON)
                .body("error", equalTo("upstream_unavailable"));
    }

    /** Deltas, not the series' presence: earlier tests in this application count into the same series. */
    @Test
    void metricsCountRequestsAndAuthFailuresByTenant() throws Exception {
        double searches = Scrape.requests(metrics, "team-a", "search", 200);
        double searchesInHistogram = searchesUnderInfinity();
        double missingTokens = missingTokens();
        given().auth().oauth2(token(ANNA)).when().get(TEAM_A + "/tempo/api/search").then().statusCode(200);
        given().when().get(TEAM_A + "/tempo/api/search").then().statusCode(401);
        // Requests are counted when their answer ends, which may come after the client has it.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            assertEquals(searches + 1, Scrape.requests(metrics, "team-a", "search", 200));
            assertEquals(searchesInHistogram + 1, searchesUnderInfinity(), "the latency histogram's buckets");
            assertEquals(missingTokens + 1, missingTokens());
        });
        String scrape = given().when().get(metrics).then().statusCode(200).extract().asString();
        org.hamcrest.MatcherAssert.assertThat(scrape, containsString("tracegate_gateway_tenants 2.0"));
    }

    private double searchesUnderInfinity() {
        return Scrape.sum(metrics, series -> series.startsWith("tracegate_gateway_requests_seconds_bucket{")
                && series.contains("tenant=\"team-a\"") && series.contains("route=\"search\"")
                && series.contains("code=\"200\"") && series.contains("le=\"+Inf\""));
    }

    private double missingTokens() {
        return Scrape.sum(metrics, series -> series.equals(
                "tracegate_gateway_auth_failures_total{reason=\"missing_token\",tenant=\"team-a\"}"));
    }

    @Test
    void readinessNamesEachTenantAndItsIssuer() {
        // Each tenant's issuer is probed on its own: wait for both verdicts. Probes run every 30 s; on a busy machine
        // one may time out (5 s) and the verdict wait for the next.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(45)).until(() -> {
            JsonPath readiness = given().get(ready).then().extract().jsonPath();
            return "reachable".equals(readiness.getString("checks.find { it.name == 'tenants' }.data.'tenant.team-a.issuer'"))
                    && "reachable".equals(readiness.getString("checks.find { it.name == 'tenants' }.data.'tenant.team-b.issuer'"));
        });
        given().when().get(ready).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'tenants' }.name", equalTo("tenants"))
                .body("checks.find { it.name == 'tenants' }.data.'tenant.team-b.issuerURL'", equalTo(KeycloakTestResource.issuer("team-b")))
                .body("checks.find { it.name == 'tenants' }.data.'tenant.team-b.issuer'", equalTo("reachable"));
    }

    @Test
    void noTokenOrSecretInAnyErrorBody() {
        String token = token(ALICE);
        String body = given().auth().oauth2(token).when().get(TEAM_B + "/tempo/api/echo")
                .then().statusCode(401).extract().asString();
        assertFalse(body.contains(token.substring(0, 20)));
        assertFalse(body.contains("tracegate-b-secret"));
        assertNull(tempo.requests().stream().findAny().orElse(null));
    }
}
