package dev.tracegate.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.tenants.InvalidTenantsException;
import dev.tracegate.testsupport.LoopbackCertificate;
import dev.tracegate.gateway.tenant.CaFileTrust;
import dev.tracegate.gateway.tenant.TenantRegistry;
import dev.tracegate.gateway.testsupport.Browser;
import dev.tracegate.gateway.testsupport.TempoStandInResource;
import dev.tracegate.gateway.testsupport.TlsIssuerStandIn;

/** A tenant's issuerCAPath: the gateway trusts an HTTPS issuer signed by that CA, and only for that tenant. */
@QuarkusTest
@TestProfile(IssuerCaTest.TlsTenants.class)
@QuarkusTestResource(value = TlsIssuerStandIn.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(TempoStandInResource.class)
class IssuerCaTest {

    private static final String TENANTS_FILE = "src/test/resources/tenants/with-tls-issuer.yaml";

    public static class TlsTenants implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.tenants.file", TENANTS_FILE);
        }
    }

    @Inject
    TenantRegistry registry;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL gateway;

    private static String token() {
        return TlsIssuerStandIn.token("tracegate-tls", "tia@example.com", Set.of("readers"));
    }

    @Test
    void theTenantWithTheIssuersCaReachesItOverHttps() {
        given().auth().oauth2(token()).when().get("/api/traces/v1/team-tls/tempo/api/echo")
                .then().statusCode(200).body("orgId", equalTo("team-tls"));
    }

    /** Issuers send one group as a string, or lists with other things in them: the strings are the groups. */
    @Test
    void aGroupsClaimOfOneStringOrAMixedListGivesItsGroups() {
        for (Object groups : new Object[] { "readers", List.of("readers", 5), List.of(7, "readers") }) {
            given().auth().oauth2(TlsIssuerStandIn.tokenWithGroupsClaim("tracegate-tls", "tia@example.com", groups))
                    .when().get("/api/traces/v1/team-tls/tempo/api/echo")
                    .then().statusCode(200);
        }
        given().auth().oauth2(TlsIssuerStandIn.tokenWithGroupsClaim("tracegate-tls", "tia@example.com", "writers"))
                .when().get("/api/traces/v1/team-tls/tempo/api/echo")
                .then().statusCode(403);
    }

    /**
     * A dotted groupClaim is the claim of that name if the token has one (namespaced claims have dots), else the
     * claim at that path of nested objects, as Keycloak sends realm roles in {@code realm_access.roles}.
     */
    @Test
    void aDottedGroupClaimIsTheClaimOfThatNameElseThePathThroughNestedObjects() {
        String realmRoles = "/api/traces/v1/team-realm-roles/tempo/api/echo";
        echo(realmRoles, Map.of("realm_access", Map.of("roles", List.of("offline_access", "readers")))).statusCode(200);
        echo(realmRoles, Map.of("realm_access", Map.of("roles", "readers"))).statusCode(200);
        echo(realmRoles, Map.of("realm_access", Map.of("roles", List.of("writers")))).statusCode(403);
        echo(realmRoles, Map.of("groups", List.of("readers"))).statusCode(403);
        echo(realmRoles, Map.of("realm_access", List.of("readers"))).statusCode(403);
        // The whole name first: a claim named "realm_access.roles" is the one read.
        echo(realmRoles, Map.of("realm_access.roles", List.of("writers"),
                "realm_access", Map.of("roles", List.of("readers")))).statusCode(403);
        echo(realmRoles, Map.of("realm_access.roles", List.of("readers"))).statusCode(200);

        String namespaced = "/api/traces/v1/team-namespaced/tempo/api/echo";
        echo(namespaced, Map.of("https://example.com/groups", List.of("readers"))).statusCode(200);
        echo(namespaced, Map.of("https://example.com/groups", List.of("writers"))).statusCode(403);
    }

    private static io.restassured.response.ValidatableResponse echo(String path, Map<String, Object> claims) {
        return given().auth().oauth2(TlsIssuerStandIn.signed("tracegate-tls", "tia@example.com", claims))
                .when().get(path).then();
    }

    /**
     * A client whose id is "any" accepts tokens issued to it, not to every client of its issuer: quarkus-oidc reads
     * an audience list of that one word as "skip the audience check".
     */
    @Test
    void aClientNamedAnyAcceptsTokensForItselfOnly() {
        String path = "/api/traces/v1/team-any/tempo/api/echo";
        given().auth().oauth2(TlsIssuerStandIn.token("any", "tia@example.com", Set.of("readers")))
                .when().get(path).then().statusCode(200).body("orgId", equalTo("team-any"));
        given().auth().oauth2(TlsIssuerStandIn.token("tracegate-tls", "tia@example.com", Set.of("readers")))
                .when().get(path).then().statusCode(401).body("error", equalTo("unauthorized"));
    }

    /** A refresh token, however well signed, is no access token: 401, not the 503 of an unreachable issuer. */
    @Test
    void aRefreshTokenIsRefusedAsAnInvalidToken() {
        given().auth().oauth2(TlsIssuerStandIn.signed("tracegate-tls", "tia@example.com",
                        Map.of("groups", List.of("readers"), "typ", "Refresh")))
                .when().get("/api/traces/v1/team-tls/tempo/api/echo")
                .then().statusCode(401).body("error", org.hamcrest.Matchers.equalTo("unauthorized"));
    }

    /**
     * An ID token of an issuer that sets no typ (Google, Okta) is told by the hashes only ID tokens carry: refused as
     * a bearer token, the first time (no cache to lean on) and every time after.
     */
    @Test
    void anIdTokenWithoutTypIsRefusedByItsCodeFlowHash() {
        for (String hash : List.of("at_hash", "c_hash")) {
            String idToken = TlsIssuerStandIn.signed("tracegate-tls", "tia@example.com",
                    Map.of("groups", List.of("readers"), hash, "x7eRSXw1Xhdka2MB4M5Zcw", "nonce", "n-0S6_WzA2Mj"));
            for (int i = 0; i < 2; i++) {
                given().auth().oauth2(idToken).when().get("/api/traces/v1/team-tls/tempo/api/echo")
                        .then().statusCode(401).body("error", equalTo("unauthorized"));
            }
        }
        given().auth().oauth2(TlsIssuerStandIn.signed("tracegate-tls", "tia@example.com",
                        Map.of("groups", List.of("readers"), "nonce", "n-0S6_WzA2Mj")))
                .when().get("/api/traces/v1/team-tls/tempo/api/echo")
                .then().statusCode(200); // a nonce alone is no sign: access tokens of some issuers carry it too
    }

    @Test
    void withoutTheCaTheIssuerIsNotTrusted() {
        given().auth().oauth2(token()).when().get("/api/traces/v1/team-untrusted/tempo/api/echo")
                .then().statusCode(503).body("error", equalTo("issuer_unavailable"));
    }

    /** The issuer, like Dex, has no end_session_endpoint: sign-out ends the gateway's session and stays local. */
    @Test
    void signOutAtAnIssuerWithoutEndSessionIsLocal() throws Exception {
        Browser browser = new Browser();
        String target = "/api/traces/v1/team-tls/tempo/api/echo";
        HttpResponse<String> toIssuer = browser.get(url("/oidc/team-tls/login?redirect=" + target));
        assertEquals(302, toIssuer.statusCode());
        HttpResponse<String> afterCallback = browser.get(TlsIssuerStandIn.signIn(Browser.location(toIssuer)));
        assertEquals(302, afterCallback.statusCode(), afterCallback.body());
        HttpResponse<String> backToLogin = browser.get(absolute(Browser.location(afterCallback)));
        assertEquals(target, Browser.location(backToLogin));
        assertEquals(200, browser.get(url(target), "Accept", "application/json").statusCode(), "signed in");

        HttpResponse<String> logout = browser.postForm(url("/oidc/team-tls/logout"), "redirect=%2Fsigned-out",
                "Origin", url(""));
        assertEquals(303, logout.statusCode());
        assertEquals("/signed-out", Browser.location(logout), "no issuer to visit: straight back");
        assertEquals(401, browser.get(url(target), "Accept", "application/json").statusCode(), "signed out");
    }

    private String url(String path) {
        return gateway.toString().replaceAll("/$", "") + path;
    }

    private String absolute(String location) {
        return location.startsWith("/") ? url(location) : location;
    }

    @Test
    void aCaFileThatIsNoCertificateIsRefusedByField() throws Exception {
        Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
        Path notPem = Files.writeString(Files.createTempFile(target, "not-a-ca", ".pem"), "not a certificate");
        notPem.toFile().deleteOnExit();
        String version = registry.current().orElseThrow().version();
        assertEquals("tenants.authentication[0].oidc.issuerCAPath: not a readable PEM certificate file: " + notPem,
                refusedCaPath(notPem.toString()));
        assertEquals(version, registry.current().orElseThrow().version(), "the tenants in force stay");
    }

    /**
     * A CA path is read only if it is a regular file of at most 1 MiB: the issuer's real CA padded past that, or a
     * device that never ends, is refused by field, and the tenants in force stay (read whole, /dev/zero filled the
     * heap).
     */
    @Test
    void aCaPathThatIsNoFileOrTooLargeIsRefusedByField() throws Exception {
        Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
        Path padded = Files.createTempFile(target, "padded-ca", ".pem");
        padded.toFile().deleteOnExit();
        String ca = Files.readString(Path.of(ConfigProvider.getConfig().getValue("tls-issuer.ca", String.class)));
        Files.writeString(padded, ca + "\n".repeat(CaFileTrust.MAX_CA_FILE_BYTES));
        String version = registry.current().orElseThrow().version();
        assertEquals("tenants.authentication[0].oidc.issuerCAPath: larger than 1024 KiB, no CA file: " + padded,
                refusedCaPath(padded.toString()));
        if (Files.exists(Path.of("/dev/zero"))) {
            assertEquals("tenants.authentication[0].oidc.issuerCAPath: not a regular file: /dev/zero",
                    refusedCaPath("/dev/zero"));
        }
        assertEquals("tenants.authentication[0].oidc.issuerCAPath: not a regular file: " + target,
                refusedCaPath(target.toString()));
        assertEquals(version, registry.current().orElseThrow().version(), "the tenants in force stay");
    }

    /**
     * Issuer CA files are watched: a document refused because its CA file was not there yet is taken once the file
     * is, and a CA replaced in place is the one trusted from then on, with no new document either time.
     */
    @Test
    void anIssuerCaFileIsReadAgainWhenItChanges() throws Exception {
        Path ca = caPath("late-ca");
        String inForce = Files.readString(Path.of(TENANTS_FILE));
        String withLateTenant = withTenant(inForce, "team-late", ca);
        try {
            String refusal = assertThrows(InvalidTenantsException.class,
                    () -> registry.apply("test", withLateTenant, true)).getMessage();
            assertEquals("tenants.authentication[5].oidc.issuerCAPath: not a regular file: " + ca, refusal);

            Files.writeString(ca, issuerCa());
            assertEquals(200, statusOnceSettled("team-late", 200), "the CA file came: the document is taken");

            Files.writeString(ca, otherCa());
            assertEquals(503, statusOnceSettled("team-late", 503), "another CA in its place: the issuer is not trusted");
        } finally {
            Files.deleteIfExists(ca);
            registry.apply(TENANTS_FILE, inForce, true);
        }
    }

    /** While a newer document is refused (its CA file is missing), the tenants in force still trust a CA renewed in place. */
    @Test
    void theTenantsInForceTrustARenewedCaWhileANewerDocumentIsRefused() throws Exception {
        Path renewed = caPath("renewed-ca");
        Path missing = caPath("missing-ca");
        String original = Files.readString(Path.of(TENANTS_FILE));
        String inForce = withTenant(original, "team-late", renewed);
        try {
            Files.writeString(renewed, otherCa());
            registry.apply("test", inForce, true);
            assertEquals(503, statusOnceSettled("team-late", 503), "its CA is not the issuer's yet");
            assertThrows(InvalidTenantsException.class, () -> registry.apply("test", withTenant(inForce, "team-new", missing), true));

            Files.writeString(renewed, issuerCa());
            assertEquals(200, statusOnceSettled("team-late", 200), "the renewed CA is trusted");
        } finally {
            Files.deleteIfExists(renewed);
            registry.apply(TENANTS_FILE, original, true);
        }
    }

    private static Path caPath(String name) throws Exception {
        return Files.createDirectories(Path.of("target").toAbsolutePath()).resolve(name + "-" + System.nanoTime() + ".pem");
    }

    private static String issuerCa() throws Exception {
        return Files.readString(Path.of(ConfigProvider.getConfig().getValue("tls-issuer.ca", String.class)));
    }

    private static String otherCa() throws Exception {
        return Files.readString(LoopbackCertificate.create(Path.of("target", "other-ca"), "other").certificatePem());
    }

    /** The document with one more tenant of the HTTPS issuer, trusting the CA at {@code ca}, readable by readers. */
    private static String withTenant(String document, String tenant, Path ca) {
        return document.replace("\n  authorization:", """

                    - tenantName: %s
                      tenantId: %s
                      oidc:
                        issuerURL: ${tls-issuer.url}
                        issuerCAPath: %s
                        groupClaim: groups
                        clientID: tracegate-tls
                  authorization:""".formatted(tenant, tenant, ca).replace("\n", "\n  ")) // indented as in the file
                .replace("], permissions: [read]", ", " + tenant + "], permissions: [read]");
    }

    /** The status of a reader's request with a token never seen before, asked until it is the one awaited (15 s). */
    private static int statusOnceSettled(String tenant, int awaited) throws InterruptedException {
        int status = -1;
        for (long end = System.nanoTime() + 15_000_000_000L; System.nanoTime() < end && status != awaited; ) {
            Thread.sleep(200);
            String token = TlsIssuerStandIn.signed("tracegate-tls", "tia@example.com",
                    Map.of("groups", List.of("readers"), "jti", java.util.UUID.randomUUID().toString()));
            status = given().auth().oauth2(token).when().get("/api/traces/v1/" + tenant + "/tempo/api/echo")
                    .then().extract().statusCode();
        }
        return status;
    }

    /** The message a document whose one tenant names this issuerCAPath is refused with. */
    private String refusedCaPath(String caPath) {
        return assertThrows(InvalidTenantsException.class, () -> registry.apply("test", """
                tenants:
                  authentication:
                    - tenantName: x
                      tenantId: x
                      oidc: {issuerURL: "https://issuer.example", clientID: x, issuerCAPath: "%s"}
                  authorization: {roles: [], roleBindings: []}
                """.formatted(caPath), false)).getMessage();
    }
}
