package dev.tracegate.provisioner.api;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_SA;
import static dev.tracegate.provisioner.support.Fixtures.TENANT;
import static dev.tracegate.provisioner.support.Fixtures.TENANT_SECRET;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tracegate.provisioner.crd.GatewaySpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.gatewayconfig.ConfigChangeSignals;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.ServiceAccountTokens;
import dev.tracegate.testsupport.CapturedLogs;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /api/v1/gateways/{namespace}/{name}/config: the gateway's tenants, for its own service account only. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class GatewayConfigApiTest {
    @Inject
    KubernetesClient client;

    @Inject
    ConfigChangeSignals signals;

    @TestHTTPResource("/")
    URI base;

    Cluster cluster;
    String namespace;

    @BeforeEach
    void seedGatewayIsReady() {
        cluster = new Cluster(client);
        namespace = Fixtures.freshNamespace();
        cluster.seedReadyGateway(namespace, "first-secret");
    }

    RequestSpecification asGateway() {
        return given().auth().oauth2(ServiceAccountTokens.of(namespace, GATEWAY_SA));
    }

    String configPath() {
        return "/api/v1/gateways/" + namespace + "/" + GATEWAY + "/config";
    }

    @Test
    void theGatewaysServiceAccountGetsTheResolvedTenantsAsJson() {
        asGateway().when().get(configPath()).then()
                .statusCode(200)
                .contentType("application/json")
                .header("ETag", notNullValue())
                .header("Cache-Control", "no-store")
                .body("tenants.mode", equalTo("static"))
                .body("tenants.authentication[0].tenantName", equalTo(TENANT))
                .body("tenants.authentication[0].tenantId", equalTo(TENANT))
                .body("tenants.authentication[0].oidc.issuerURL", equalTo(Fixtures.ISSUER))
                .body("tenants.authentication[0].oidc.redirectURL", equalTo(Fixtures.GATEWAY_URL + "/oidc/test-oidc/callback"))
                .body("tenants.authentication[0].oidc.usernameClaim", equalTo("email"))
                .body("tenants.authentication[0].oidc.groupClaim", equalTo("groups"))
                .body("tenants.authentication[0].oidc.clientID", equalTo("grafana"))
                .body("tenants.authentication[0].oidc.clientSecret", equalTo("first-secret"))
                .body("tenants.authentication[0].oidc", not(org.hamcrest.Matchers.hasKey("secret")))
                .body("tenants.authorization.roles[0].name", equalTo("read-write"))
                .body("tenants.authorization.roles[0].permissions", hasItems("read", "write"))
                .body("tenants.authorization.roleBindings[0].subjects[0].kind", equalTo("group"))
                .body("tenants.authorization.roleBindings[0].subjects[0].name", equalTo("tracing-team"));
    }

    @Test
    void yamlWhenAskedForIt() throws Exception {
        String jsonEtag = asGateway().when().get(configPath()).then().statusCode(200).extract().header("ETag");
        String yaml = asGateway().accept("application/yaml").when().get(configPath()).then()
                .statusCode(200).contentType("application/yaml")
                // One document, one ETag (the SHA-256 of its canonical JSON), whichever form is asked for.
                .header("ETag", equalTo(jsonEtag))
                .header("Cache-Control", "no-store")
                .header("Vary", "Accept")
                .extract().asString();
        JsonNode document = new YAMLMapper().readTree(yaml);
        assertEquals("grafana", document.at("/tenants/authentication/0/oidc/clientID").asText());
        assertTrue(yaml.startsWith("tenants:"), yaml);
    }

    @Test
    void theJsonSentIsTheDocumentItsEtagIsTheDigestOf() throws Exception {
        Response answer = asGateway().when().get(configPath());
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(answer.then().statusCode(200).extract().asByteArray());
        assertEquals("\"" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest) + "\"", answer.header("ETag"));
    }

    @Test
    void sameEtagAnswers304() {
        String etag = asGateway().when().get(configPath()).then().statusCode(200).extract().header("ETag");

        asGateway().header("If-None-Match", etag).when().get(configPath()).then()
                .statusCode(304)
                .header("ETag", equalTo(etag))
                // What its 200 would carry (RFC 9110 §15.4.5).
                .header("Cache-Control", "no-store")
                .header("Vary", "Accept");
    }

    @Test
    void rotatingTheSourceSecretChangesTheConfigAndItsEtag() {
        String oldEtag = asGateway().when().get(configPath()).then().statusCode(200).extract().header("ETag");

        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "second-secret"));

        await().atMost(Duration.ofSeconds(20)).until(() -> asGateway().header("If-None-Match", oldEtag).get(configPath()).statusCode() == 200);
        Response fresh = asGateway().header("If-None-Match", oldEtag).when().get(configPath());
        fresh.then().statusCode(200).body("tenants.authentication[0].oidc.clientSecret", equalTo("second-secret"));
        String newEtag = fresh.header("ETag");
        assertNotEquals(oldEtag, newEtag);
        asGateway().header("If-None-Match", newEtag).when().get(configPath()).then().statusCode(304);
        await().atMost(Duration.ofSeconds(20)).until(() -> newEtag.equals(cluster.gateway(namespace).getStatus().configETag));
    }

    @Test
    void aLongPollWakesUpWhenTheConfigChanges() throws Exception {
        String etag = asGateway().when().get(configPath()).then().statusCode(200).extract().header("ETag");
        CompletableFuture<Response> poll = CompletableFuture.supplyAsync(() ->
                asGateway().header("If-None-Match", etag).queryParam("wait", "50s").when().get(configPath()));
        // The poll is held, waiting for a change.
        await().atMost(Duration.ofSeconds(10)).until(() -> signals.waiting(namespace + "/" + GATEWAY) == 1);
        assertFalse(poll.isDone(), "the poll answered before anything changed");

        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "rotated-while-waiting"));

        Response answer = poll.get(40, java.util.concurrent.TimeUnit.SECONDS);
        answer.then().statusCode(200).body("tenants.authentication[0].oidc.clientSecret", equalTo("rotated-while-waiting"));
        assertNotEquals(etag, answer.header("ETag"));
    }

    @Test
    void aLongPollWithNoChangeEndsWith304() {
        String etag = asGateway().when().get(configPath()).then().statusCode(200).extract().header("ETag");

        asGateway().header("If-None-Match", etag).queryParam("wait", "1s").when().get(configPath()).then()
                .statusCode(304).header("ETag", equalTo(etag));
    }

    /**
     * A long poll is held (one waiter) while it waits, and leaves nothing behind when it ends without a change: a
     * document that stays the same for weeks is polled every 30 s by every gateway replica. Polls that are not held
     * (of an unknown gateway, by another service account) leave nothing either.
     */
    @Test
    void longPollsLeaveNoWaiterBehind() throws Exception {
        String key = namespace + "/" + GATEWAY;
        String etag = asGateway().when().get(configPath()).then().statusCode(200).extract().header("ETag");
        CompletableFuture<Response> poll = CompletableFuture.supplyAsync(() ->
                asGateway().header("If-None-Match", etag).queryParam("wait", "2s").when().get(configPath()));
        await().atMost(Duration.ofSeconds(10)).until(() -> signals.waiting(key) == 1);

        poll.get(20, java.util.concurrent.TimeUnit.SECONDS).then().statusCode(304);
        await().atMost(Duration.ofSeconds(10)).until(() -> signals.waiting(key) == 0);

        asGateway().queryParam("wait", "1s").when().get("/api/v1/gateways/" + namespace + "/no-such-gateway/config")
                .then().statusCode(403);
        given().auth().oauth2(ServiceAccountTokens.of(namespace, "someone-else")).header("If-None-Match", etag)
                .queryParam("wait", "1s").when().get(configPath()).then().statusCode(403);
        assertEquals(0, signals.waiting(namespace + "/no-such-gateway"));
        assertEquals(0, signals.waiting(key));
    }

    /** Gateways send their wait in milliseconds: it is held that long, not answered at once nor cut to whole seconds. */
    @Test
    void aLongPollOfMillisecondsIsHeldThatLong() {
        String etag = asGateway().when().get(configPath()).then().statusCode(200).extract().header("ETag");

        long start = System.nanoTime();
        asGateway().header("If-None-Match", etag).queryParam("wait", "1500ms").when().get(configPath()).then()
                .statusCode(304).header("ETag", equalTo(etag));
        long heldMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(heldMillis >= 1400, "held " + heldMillis + " ms"); // 1s if cut to whole seconds, 0 if not read
    }

    /**
     * Every long poll ends, however close to its deadline a timer fires: one that woke a fraction of a millisecond
     * early used to ask for a timer of less than a millisecond, which Vert.x refuses, and the request hung.
     */
    @Test
    void shortLongPollsAllEndWith304() {
        String etag = asGateway().when().get(configPath()).then().statusCode(200).extract().header("ETag");
        HttpClient http = HttpClient.newHttpClient();
        List<Integer> statuses = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            List<CompletableFuture<Integer>> polls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                HttpRequest poll = HttpRequest.newBuilder(base.resolve(configPath() + "?wait=" + (20 + round * 20 + i) + "ms"))
                        .header("Authorization", "Bearer " + ServiceAccountTokens.of(namespace, GATEWAY_SA))
                        .header("If-None-Match", etag)
                        .timeout(Duration.ofSeconds(10))
                        .build();
                polls.add(http.sendAsync(poll, HttpResponse.BodyHandlers.discarding()).handle((answer, failure) -> failure == null ? answer.statusCode() : -1));
            }
            polls.stream().map(CompletableFuture::join).forEach(statuses::add);
        }
        assertEquals(Collections.nCopies(100, 304), statuses, "-1: no answer within 10 s");
    }

    /**
     * A gateway that goes away in the middle of a long poll (a pod stopped, a connection cut) leaves no waiter, and
     * no error in the log: every rollout does this to every poll.
     */
    @Test
    void aClientThatLeavesALongPollLeavesNoWaiterAndNoError() throws Exception {
        String key = namespace + "/" + GATEWAY;
        String etag = asGateway().when().get(configPath()).then().statusCode(200).extract().header("ETag");
        try (CapturedLogs logs = CapturedLogs.start()) {
            HttpRequest poll = HttpRequest.newBuilder(base.resolve(configPath() + "?wait=20s"))
                    .header("Authorization", "Bearer " + ServiceAccountTokens.of(namespace, GATEWAY_SA))
                    .header("If-None-Match", etag).timeout(Duration.ofMillis(1500)).build();
            HttpClient leaving = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> answer = leaving.sendAsync(poll, HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> signals.waiting(key) == 1);
            // The client gives up after 1.5 s and closes its connection; the poll would have waited 20 s.
            ExecutionException left = assertThrows(ExecutionException.class, () -> answer.get(20, java.util.concurrent.TimeUnit.SECONDS));
            assertInstanceOf(HttpTimeoutException.class, left.getCause());
            await().atMost(Duration.ofSeconds(30)).until(() -> signals.waiting(key) == 0);
            assertEquals(List.of(), logs.records().stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())
                    .map(r -> r.getLoggerName() + ": " + r.getMessage()).toList());
        }
    }

    @Test
    void anUnreadableWaitIsABadRequest() {
        asGateway().queryParam("wait", "soon").when().get(configPath()).then()
                .statusCode(400).body("error", equalTo("bad_request"));
    }

    @Test
    void noTokenIs401() {
        given().when().get(configPath()).then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .body("error", equalTo("unauthorized"))
                .body("message", notNullValue());
    }

    @Test
    void aTokenTheApiServerRefusesIs401AndNotEchoed() {
        given().auth().oauth2("forged-token-value").when().get(configPath()).then()
                .statusCode(401)
                .body("error", equalTo("unauthorized"))
                .body(not(containsString("forged-token-value")));
    }

    @Test
    void anotherServiceAccountIs403() {
        given().auth().oauth2(ServiceAccountTokens.of(namespace, "someone-else")).when().get(configPath()).then()
                .statusCode(403)
                .body("error", equalTo("forbidden"))
                .body("message", containsString("system:serviceaccount:" + namespace + ":someone-else"))
                .body(not(containsString("first-secret")));
    }

    @Test
    void theServiceAccountMayLiveInAnotherNamespace() {
        cluster.editGateway(namespace, g -> {
            g.getSpec().gateway.serviceAccount = new GatewaySpec.ServiceAccountRef();
            g.getSpec().gateway.serviceAccount.name = "gw";
            g.getSpec().gateway.serviceAccount.namespace = "tracing";
        });

        await().atMost(Duration.ofSeconds(20)).until(() ->
                given().auth().oauth2(ServiceAccountTokens.of("tracing", "gw")).get(configPath()).statusCode() == 200);
        asGateway().when().get(configPath()).then().statusCode(403);
    }

    /**
     * Any service account of the cluster can call: one that asks for a TempoGateway that does not exist gets the
     * answer one that is not its service account gets, so only that service account learns that it exists.
     */
    @Test
    void anUnknownGatewayIsAnsweredAsAnotherServiceAccountsIs() {
        String someoneElse = ServiceAccountTokens.of(namespace, "someone-else");
        String user = "system:serviceaccount:" + namespace + ":someone-else";
        given().auth().oauth2(someoneElse).when().get("/api/v1/gateways/" + namespace + "/no-such-gateway/config").then()
                .statusCode(403).body("error", equalTo("forbidden"))
                .body("message", equalTo(user + " may not read TempoGateway " + namespace + "/no-such-gateway: there is"
                        + " none, or its spec.gateway.serviceAccount names another service account"));
        given().auth().oauth2(someoneElse).when().get(configPath()).then()
                .statusCode(403).body("error", equalTo("forbidden"))
                .body("message", equalTo(user + " may not read TempoGateway " + namespace + "/" + GATEWAY + ": there is"
                        + " none, or its spec.gateway.serviceAccount names another service account"));
    }

    @Test
    void aMissingTenantSecretKeepsTheLastDocumentServingMarkedStale() {
        String etag = asGateway().when().get(configPath()).then().statusCode(200).header(GatewayConfigResource.STALE, "false")
                .extract().header("ETag");
        cluster.editGateway(namespace, g -> {
            g.getSpec().tenants.authentication.add(Fixtures.tenant("dev", "oidc-dev"));
            g.getSpec().secretSync.tenants = List.of(TENANT);
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.CONFIG_PUBLISHED)
                .map(c -> "False".equals(c.status) && c.message.contains("oidc-dev")).orElse(false));
        await().atMost(Duration.ofSeconds(20)).until(() -> "true".equals(asGateway().get(configPath()).header(GatewayConfigResource.STALE)));
        asGateway().when().get(configPath()).then()
                .statusCode(200)
                .header("ETag", equalTo(etag))
                .body("tenants.authentication.size()", equalTo(1));

        cluster.apply(Fixtures.secret(namespace, "oidc-dev", Map.of("clientID", "dev-client")));
        await().atMost(Duration.ofSeconds(20)).until(() -> "false".equals(asGateway().get(configPath()).header(GatewayConfigResource.STALE)));
        asGateway().when().get(configPath()).then()
                .body("tenants.authentication[1].oidc.clientID", equalTo("dev-client"))
                .body("tenants.authentication[1].oidc.clientSecret", nullValue());
    }

    @Test
    void aTenantSecretMissingFromTheStartIs503NamingIt() {
        String other = Fixtures.freshNamespace();
        TempoGateway gateway = Fixtures.seedGateway(other);
        gateway.getSpec().secretSync = null;
        cluster.create(gateway);

        await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().oauth2(ServiceAccountTokens.of(other, GATEWAY_SA))
                .get("/api/v1/gateways/" + other + "/" + GATEWAY + "/config").statusCode() == 503);
        given().auth().oauth2(ServiceAccountTokens.of(other, GATEWAY_SA)).when()
                .get("/api/v1/gateways/" + other + "/" + GATEWAY + "/config").then()
                .statusCode(503)
                .body("error", equalTo("config_unavailable"))
                .body("message", containsString(TENANT_SECRET));
    }

    @Test
    void extraAudiencesAreCarriedAndAnAbsentIssuerCaPathIsLeftOut() throws Exception {
        cluster.editGateway(namespace, g -> g.getSpec().tenants.authentication.get(0).oidc.audiences = List.of("account"));

        await().atMost(Duration.ofSeconds(20)).until(() ->
                asGateway().get(configPath()).jsonPath().getList("tenants.authentication[0].oidc.audiences") != null);
        String body = asGateway().get(configPath()).asString();
        JsonNode oidc = new ObjectMapper().readTree(body).at("/tenants/authentication/0/oidc");
        assertEquals("account", oidc.path("audiences").get(0).asText());
        assertTrue(oidc.path("issuerCAPath").isMissingNode());
    }

    @Test
    void aTenantsScopesAreCarriedAndAbsentOnesLeftToTheGatewaysDefault() throws Exception {
        JsonNode before = new ObjectMapper().readTree(asGateway().get(configPath()).asString()).at("/tenants/authentication/0/oidc");
        assertTrue(before.path("scopes").isMissingNode());

        cluster.editGateway(namespace, g -> g.getSpec().tenants.authentication.get(0).oidc.scopes = List.of("profile", "email", "groups"));

        await().atMost(Duration.ofSeconds(20)).until(() ->
                asGateway().get(configPath()).jsonPath().getList("tenants.authentication[0].oidc.scopes") != null);
        JsonNode oidc = new ObjectMapper().readTree(asGateway().get(configPath()).asString()).at("/tenants/authentication/0/oidc");
        assertEquals("[\"profile\",\"email\",\"groups\"]", oidc.path("scopes").toString());
    }
}
