package dev.tracegate.provisioner.grafana;

import dev.tracegate.provisioner.grafana.DatasourceRequest.Tenant;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The datasources a request wants, computed without any Grafana. */
class DesiredDatasourcesTest {

    static final String OWNER = "observability/tempo-foo";
    static final Tenant TEST_OIDC = new Tenant("test-oidc", "test-oidc");

    static DatasourceRequest throughGateway(AuthMode mode, String token, Tenant... tenants) {
        return new DatasourceRequest(OWNER, true, "https://gateway.example:8080/", null, mode, token, null,
                Map.of(), null, List.of(tenants));
    }

    @Test
    void forwardOAuthIdentityPointsAtTheTenantsGatewayPathAndPassesTheUsersToken() {
        DesiredDatasource ds = only(throughGateway(AuthMode.FORWARD_OAUTH_IDENTITY, null, TEST_OIDC));

        assertEquals("https://gateway.example:8080/api/traces/v1/test-oidc/tempo", ds.url());
        assertTrue(ds.jsonData().path("oauthPassThru").asBoolean());
        assertFalse(ds.jsonData().has("httpHeaderName1"));
        assertTrue(ds.secureJsonData().isEmpty());
        assertFalse(ds.healthCheckable(), "Grafana cannot check a datasource that needs a signed-in user");
        assertEquals("tempo", ds.createBody().path("type").asText());
        assertEquals("proxy", ds.createBody().path("access").asText());
    }

    @Test
    void bearerTokenGoesInHeaderOneAndOnlyAsSecureData() {
        DesiredDatasource ds = only(throughGateway(AuthMode.BEARER_TOKEN, "s3cret-token", TEST_OIDC));

        assertEquals("Authorization", ds.jsonData().path("httpHeaderName1").asText());
        assertEquals(Map.of("httpHeaderValue1", "Bearer s3cret-token"), ds.secureJsonData());
        assertFalse(ds.jsonData().toString().contains("s3cret-token"), "the token must not leak into jsonData");
        assertTrue(ds.healthCheckable());
    }

    @Test
    void withoutTheGatewayTheQueryFrontendGetsTheTenantIdAsScopeOrgId() {
        DatasourceRequest request = new DatasourceRequest(OWNER, false, null, "http://tempo-query-frontend:3200", null, null, null,
                null, null, List.of(new Tenant("team-a", "a-id")));
        DesiredDatasource ds = only(request);

        assertEquals("http://tempo-query-frontend:3200", ds.url());
        assertEquals("X-Scope-OrgID", ds.jsonData().path("httpHeaderName1").asText());
        assertEquals(Map.of("httpHeaderValue1", "a-id"), ds.secureJsonData());
        assertTrue(ds.healthCheckable());
    }

    @Test
    void aCaMakesGrafanaTrustItForTheDatasourceUrl() {
        DatasourceRequest request = new DatasourceRequest(OWNER, true, "https://gw", null, AuthMode.FORWARD_OAUTH_IDENTITY, null,
                "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----", null, null, List.of(TEST_OIDC));
        DesiredDatasource ds = only(request);

        assertTrue(ds.jsonData().path("tlsAuthWithCACert").asBoolean());
        assertTrue(ds.secureJsonData().get("tlsCACert").startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void extraJsonDataIsMergedButOurFieldsAndMarkersWin() {
        DatasourceRequest request = new DatasourceRequest(OWNER, true, "https://gw", null, AuthMode.FORWARD_OAUTH_IDENTITY, null, null,
                Map.of("oauthPassThru", false, "tracegateOwner", "someone/else", "serviceMap", Map.of("datasourceUid", "prom"), "timeout", 60),
                null, List.of(TEST_OIDC));
        DesiredDatasource ds = only(request);

        assertTrue(ds.jsonData().path("oauthPassThru").asBoolean());
        assertEquals(OWNER, ds.jsonData().path(OwnershipMarker.OWNER).asText());
        assertEquals("prom", ds.jsonData().path("serviceMap").path("datasourceUid").asText());
        assertEquals(60, ds.jsonData().path("timeout").asInt());
    }

    @Test
    void throughTheGatewayGrafanaDoesNotStreamWhateverExtraJsonDataAsks() {
        DatasourceRequest request = new DatasourceRequest(OWNER, true, "https://gw", null, AuthMode.BEARER_TOKEN, "t", null,
                Map.of("streamingEnabled", Map.of("search", true, "metrics", true)), null, List.of(TEST_OIDC));
        DesiredDatasource ds = only(request);

        assertFalse(ds.jsonData().path("streamingEnabled").path("search").asBoolean(true));
        assertFalse(ds.jsonData().path("streamingEnabled").path("metrics").asBoolean(true));
    }

    @Test
    void withoutTheGatewayStreamingIsTheUsersChoice() {
        DatasourceRequest request = new DatasourceRequest(OWNER, false, null, "http://tempo-query-frontend:3200", null, null, null,
                Map.of("streamingEnabled", Map.of("search", true)), null, List.of(new Tenant("team-a", "a-id")));

        assertTrue(only(request).jsonData().path("streamingEnabled").path("search").asBoolean());
        assertFalse(only(new DatasourceRequest(OWNER, false, null, "http://tempo-query-frontend:3200", null, null, null,
                null, null, List.of(new Tenant("team-a", "a-id")))).jsonData().has("streamingEnabled"));
    }

    @Test
    void uidsAreDeterministicValidForGrafanaAndDifferPerOwnerAndTenant() {
        String uid = DatasourceUid.of(OWNER, "test-oidc");

        assertEquals(uid, DatasourceUid.of(OWNER, "test-oidc"));
        assertNotEquals(uid, DatasourceUid.of("other/tempo-foo", "test-oidc"));
        assertNotEquals(uid, DatasourceUid.of(OWNER, "test-oidc2"));
        String long_ = DatasourceUid.of(OWNER, "a-tenant-name.with.dots-and-a-really-long-tail-beyond-forty");
        assertTrue(long_.length() <= 40, long_);
        assertTrue(long_.matches("[A-Za-z0-9_-]+"), long_);
    }

    @Test
    void namesComeFromTheTemplateWithDocumentedPlaceholders() {
        DatasourceRequest request = new DatasourceRequest(OWNER, true, "https://gw", null, AuthMode.FORWARD_OAUTH_IDENTITY, null, null,
                null, "Tempo {namespace}/{gateway} {tenant} ({tenantId})", List.of(new Tenant("dev", "dev-id")));

        assertEquals("Tempo observability/tempo-foo dev (dev-id)", only(request).name());
        assertEquals("Tempo (test-oidc)", only(throughGateway(AuthMode.FORWARD_OAUTH_IDENTITY, null, TEST_OIDC)).name());
    }

    @Test
    void theSecretHashChangesWhenTheSecretChangesAndOnlyThen() {
        String first = hash(throughGateway(AuthMode.BEARER_TOKEN, "token-one", TEST_OIDC));

        assertEquals(first, hash(throughGateway(AuthMode.BEARER_TOKEN, "token-one", TEST_OIDC)));
        assertNotEquals(first, hash(throughGateway(AuthMode.BEARER_TOKEN, "token-two", TEST_OIDC)));
        assertFalse(first.contains("token-one"));
    }

    @Test
    void anIncompleteRequestIsRefusedWithTheFieldNamedAndNoSecret() {
        IllegalArgumentException noToken = assertThrows(IllegalArgumentException.class,
                () -> DesiredDatasources.from(throughGateway(AuthMode.BEARER_TOKEN, " ", TEST_OIDC)));
        assertTrue(noToken.getMessage().contains("bearer token"));

        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> DesiredDatasources.from(throughGateway(AuthMode.FORWARD_OAUTH_IDENTITY, null, TEST_OIDC, TEST_OIDC)));
        assertTrue(twice.getMessage().contains("test-oidc"));
    }

    @Test
    void recordsNeverPrintSecrets() {
        DatasourceRequest request = throughGateway(AuthMode.BEARER_TOKEN, "s3cret-token", TEST_OIDC);
        GrafanaConnection connection = new GrafanaConnection(java.net.URI.create("http://g"), "sa-token-value", "u", "pw-value", 2L, null);

        assertFalse(request.toString().contains("s3cret-token"));
        assertFalse(connection.toString().contains("sa-token-value"));
        assertFalse(connection.toString().contains("pw-value"));
    }

    private static String hash(DatasourceRequest request) {
        return only(request).jsonData().path(OwnershipMarker.SECRET_HASH).asText();
    }

    private static DesiredDatasource only(DatasourceRequest request) {
        List<DesiredDatasource> all = DesiredDatasources.from(request);
        assertEquals(1, all.size());
        return all.get(0);
    }
}
