package dev.tracegate.gateway.config;

import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ALICE;
import static dev.tracegate.gateway.testsupport.KeycloakTestResource.BOB;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.testsupport.Browser;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.Scrape;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/** The tenants file is re-read while the gateway runs; a bad version is refused and the last good one serves on. */
@QuarkusTest
@TestProfile(TenantsReloadTest.WatchedFile.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class TenantsReloadTest {

    static final Path FILE = Path.of("target", "reload-test", "tenants.yaml");

    /** The gateway watches a file of its own, checked every 200 ms, that starts as test-tenants.yaml. */
    public static class WatchedFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            write(FILE, resource("test-tenants.yaml"));
            return Map.of("tracegate.tenants.file", FILE.toString(),
                    "tracegate.tenants.file-check-interval", "200ms");
        }
    }

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @Test
    void aTenantRemovedFromTheFileIsGoneAndABadFileChangesNothing() {
        String both = resource("test-tenants.yaml");
        String bob = KeycloakTestResource.accessToken(BOB);
        String alice = KeycloakTestResource.accessToken(ALICE);
        given().auth().oauth2(bob).get("/api/traces/v1/team-b/tempo/api/echo").then().statusCode(200);

        write(FILE, resource("team-a-only.yaml"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().auth().oauth2(bob).get("/api/traces/v1/team-b/tempo/api/echo").statusCode() == 404);

        double refusedBefore = refusedReloads();
        write(FILE, both.replace("${keycloak.url}/realms/team-a", "keycloak/realms/team-a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> refusedReloads() > refusedBefore);
        given().auth().oauth2(bob).get("/api/traces/v1/team-b/tempo/api/echo")
                .then().statusCode(404).body("message", equalTo("no tenant named 'team-b'"));
        given().auth().oauth2(alice).get("/api/traces/v1/team-a/tempo/api/echo").then().statusCode(200);
        given().get(ready).then().statusCode(200).body("checks.find { it.name == 'tenants' }.status", equalTo("UP"));
        assertEquals(0.0, Scrape.sum(metrics, "tracegate_gateway_config_last_reload_successful"::equals));

        write(FILE, both);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().auth().oauth2(bob).get("/api/traces/v1/team-b/tempo/api/echo").statusCode() == 200);
        assertEquals(1.0, Scrape.sum(metrics, "tracegate_gateway_config_last_reload_successful"::equals));
    }

    @Test
    void theTempoTheDocumentNamesWinsOverTheGatewaysOwnSetting() {
        String both = resource("test-tenants.yaml");
        String alice = KeycloakTestResource.accessToken(ALICE);
        write(FILE, both);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().auth().oauth2(alice).get("/api/traces/v1/team-a/tempo/api/echo").statusCode() == 200);

        // As the provisioner publishes spec.upstream: a query-frontend where nothing listens.
        write(FILE, both + "upstream:\n  queryFrontend: http://127.0.0.1:9/\n");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().auth().oauth2(alice).get("/api/traces/v1/team-a/tempo/api/echo").statusCode() == 502);

        write(FILE, both);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().auth().oauth2(alice).get("/api/traces/v1/team-a/tempo/api/echo").statusCode() == 200);
    }

    /** Dex puts groups in the ID token only when the sign-in asks for the groups scope; a tenant's scopes say so. */
    @Test
    void aTenantsScopesAreWhatItsNextSignInAsksTheIssuerFor() {
        String both = resource("test-tenants.yaml");
        String withGroups = both.replace("clientID: tracegate-b\n",
                "clientID: tracegate-b\n        scopes: [profile, email, groups]\n");
        double reloadsBefore = successfulReloads();
        write(FILE, withGroups);
        await().atMost(Duration.ofSeconds(10)).until(() -> successfulReloads() > reloadsBefore);
        assertEquals("openid profile email groups", scopeOfSignIn("team-b"));
        assertEquals("openid profile email", scopeOfSignIn("team-a"), "a tenant without scopes keeps the default");

        double reloadsAfter = successfulReloads();
        write(FILE, both);
        await().atMost(Duration.ofSeconds(10)).until(() -> successfulReloads() > reloadsAfter);
        assertEquals("openid profile email", scopeOfSignIn("team-b"));
    }

    /** The scope parameter of the authorization request that /oidc/<tenant>/login sends a browser to. */
    private static String scopeOfSignIn(String tenant) {
        String authorize = given().redirects().follow(false).accept("text/html")
                .get("/oidc/" + tenant + "/login?redirect=/")
                .then().statusCode(302).extract().header("Location");
        assertThat(authorize, startsWith(KeycloakTestResource.authorizationEndpoint(tenant)));
        return Browser.queryParameter(authorize, "scope");
    }

    private double successfulReloads() {
        return Scrape.sum(metrics, "tracegate_gateway_config_reloads_total{result=\"success\"}"::equals);
    }

    private double refusedReloads() {
        return Scrape.sum(metrics, "tracegate_gateway_config_reloads_total{result=\"failure\"}"::equals);
    }

    static String resource(String name) {
        try (InputStream in = TenantsReloadTest.class.getResourceAsStream("/tenants/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the file in one step, as Kubernetes does with a mounted ConfigMap. */
    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.writeString(next, content);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
