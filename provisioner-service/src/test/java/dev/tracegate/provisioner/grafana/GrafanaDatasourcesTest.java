package dev.tracegate.provisioner.grafana;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.provisioner.grafana.DatasourceRequest.Tenant;
import dev.tracegate.provisioner.grafana.GrafanaStandIn.Datasource;
import dev.tracegate.provisioner.parallel.BoundedParallel;
import dev.tracegate.testsupport.CapturedLogs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the provisioner keeps Grafana's Tempo datasources, seen from a Grafana stand-in. Quarkus boots (with a mock
 * Kubernetes API, which this module needs) only because the REST client needs it.
 */
@QuarkusTest
@WithKubernetesTestServer
class GrafanaDatasourcesTest {

    static final String OWNER = "observability/tempo-foo";
    static final String GATEWAY = "http://tempo-foo-gateway.observability.svc:8080";
    static final String QUERY_FRONTEND = "http://tempo-foo-query-frontend.observability.svc:3200";
    static final Tenant TEST_OIDC = new Tenant("test-oidc", "test-oidc");
    static final Tenant DEV = new Tenant("dev", "dev-id");
    static final Tenant OPS = new Tenant("ops", "ops-id");
    static final String BEARER = "gateway-bearer-token-one";

    @Inject
    GrafanaDatasources datasources;

    @Inject
    MeterRegistry registry;

    @Inject
    GrafanaClients clients;

    @Inject
    BoundedParallel parallel;

    @Inject
    GrafanaConfig grafanaConfig;

    GrafanaStandIn grafana;

    @BeforeEach
    void startGrafana() {
        grafana = GrafanaStandIn.start();
    }

    @AfterEach
    void stopGrafana() {
        grafana.close();
    }

    // ---- the three setups -------------------------------------------------------------------------------------

    @Test
    void forwardOAuthIdentityDatasourceGoesThroughTheGatewayWithTheUsersToken() {
        SyncReport report = sync(forwardOAuth(TEST_OIDC));

        TenantDatasourceStatus status = only(report);
        assertEquals(Outcome.CREATED, status.outcome());
        assertEquals("Tempo (test-oidc)", status.name());
        assertNull(status.health(), "cannot be checked without a signed-in user");
        Datasource stored = grafana.datasource(status.uid()).orElseThrow();
        assertEquals(GATEWAY + "/api/traces/v1/test-oidc/tempo", stored.url());
        assertEquals("tempo", stored.json().path("type").asText());
        assertEquals("proxy", stored.json().path("access").asText());
        assertTrue(stored.jsonData().path("oauthPassThru").asBoolean());
        assertEquals(OWNER, stored.jsonData().path(OwnershipMarker.OWNER).asText());
        assertTrue(stored.secureJsonData().isEmpty());
    }

    @Test
    void bearerTokenDatasourceSendsTheTokenInHeaderOneAndReportsHealth() {
        TenantDatasourceStatus status = only(sync(bearer(BEARER, TEST_OIDC)));

        assertEquals(Outcome.CREATED, status.outcome());
        assertEquals("OK", status.health());
        Datasource stored = grafana.datasource(status.uid()).orElseThrow();
        assertEquals("Authorization", stored.jsonData().path("httpHeaderName1").asText());
        assertEquals("Bearer " + BEARER, stored.secureJsonData().get("httpHeaderValue1"));
        assertTrue(stored.json().path("secureJsonFields").path("httpHeaderValue1").asBoolean());
    }

    @Test
    void withoutTheGatewayTheDatasourceCallsTheQueryFrontendAsTheTenant() {
        TenantDatasourceStatus status = only(sync(new DatasourceRequest(OWNER, false, null, QUERY_FRONTEND, null, null, null,
                null, null, List.of(DEV))));

        Datasource stored = grafana.datasource(status.uid()).orElseThrow();
        assertEquals(QUERY_FRONTEND, stored.url());
        assertEquals("X-Scope-OrgID", stored.jsonData().path("httpHeaderName1").asText());
        assertEquals("dev-id", stored.secureJsonData().get("httpHeaderValue1"));
        assertEquals("OK", status.health());
    }

    /**
     * Provisioners of two clusters keep datasources in one Grafana org, each for a TempoGateway of the same namespace
     * and name: with tracegate.grafana.cluster set, each keeps its own and neither overwrites nor deletes the other's.
     */
    @Test
    void provisionersOfTwoClustersSharingOneGrafanaKeepTheirOwnDatasources() {
        GrafanaDatasources east = inCluster("east");
        GrafanaDatasources west = inCluster("west");
        DatasourceRequest bothTenants = new DatasourceRequest(OWNER, true, GATEWAY, null, AuthMode.FORWARD_OAUTH_IDENTITY,
                null, null, null, "Tempo ({tenant}, {cluster})", List.of(DEV, OPS));

        assertEquals(List.of(Outcome.CREATED, Outcome.CREATED), outcomes(east.sync(grafana.tokenConnection(), bothTenants)));
        SyncReport westOnlyDev = west.sync(grafana.tokenConnection(), new DatasourceRequest(OWNER, true, GATEWAY, null,
                AuthMode.FORWARD_OAUTH_IDENTITY, null, null, null, "Tempo ({tenant}, {cluster})", List.of(DEV)));

        assertEquals(List.of(Outcome.CREATED), outcomes(westOnlyDev), "the east's ops is not west's to delete");
        assertEquals(Set.of("Tempo (dev, east)", "Tempo (ops, east)", "Tempo (dev, west)"), names());
        Datasource westDev = grafana.datasource(only(westOnlyDev).uid()).orElseThrow();
        assertEquals(OWNER + "@west", westDev.jsonData().path(OwnershipMarker.OWNER).asText());
        grafana.clearRequests();
        assertEquals(List.of(Outcome.UNCHANGED, Outcome.UNCHANGED), outcomes(east.sync(grafana.tokenConnection(), bothTenants)));
        assertEquals(List.of(), grafana.writes());

        SyncReport cleanup = west.deleteAll(grafana.tokenConnection(), OWNER);
        assertEquals(List.of(Outcome.DELETED), outcomes(cleanup));
        assertEquals(Set.of("Tempo (dev, east)", "Tempo (ops, east)"), names());
    }

    GrafanaDatasources inCluster(String cluster) {
        GrafanaConfig config = (GrafanaConfig) java.lang.reflect.Proxy.newProxyInstance(GrafanaConfig.class.getClassLoader(),
                new Class<?>[] { GrafanaConfig.class }, (proxy, method, args) -> method.getName().equals("cluster")
                        ? java.util.Optional.of(cluster) : method.invoke(grafanaConfig, args));
        return new GrafanaDatasources(clients, registry, parallel, config);
    }

    Set<String> names() {
        return grafana.datasources().stream().map(Datasource::name).collect(java.util.stream.Collectors.toSet());
    }

    static List<Outcome> outcomes(SyncReport report) {
        return report.tenants().stream().map(TenantDatasourceStatus::outcome).toList();
    }

    // ---- keeping it true --------------------------------------------------------------------------------------

    @Test
    void aSecondSyncChangesNothingAndWritesNothing() {
        sync(bearer(BEARER, TEST_OIDC, DEV));
        grafana.clearRequests();

        SyncReport again = sync(bearer(BEARER, TEST_OIDC, DEV));

        assertTrue(again.tenants().stream().allMatch(t -> t.outcome() == Outcome.UNCHANGED), again.toString());
        assertEquals(List.of(), grafana.writes());
    }

    @Test
    void driftMadeInGrafanaIsReverted() {
        String uid = only(sync(forwardOAuth(TEST_OIDC))).uid();
        grafana.drift(uid, json -> {
            json.put("url", "http://elsewhere");
            ((ObjectNode) json.get("jsonData")).put("oauthPassThru", false).put("addedByHand", true);
        });

        TenantDatasourceStatus status = only(sync(forwardOAuth(TEST_OIDC)));

        assertEquals(Outcome.UPDATED, status.outcome());
        Datasource stored = grafana.datasource(uid).orElseThrow();
        assertEquals(GATEWAY + "/api/traces/v1/test-oidc/tempo", stored.url());
        assertTrue(stored.jsonData().path("oauthPassThru").asBoolean());
        assertFalse(stored.jsonData().has("addedByHand"), "jsonData is ours as a whole");
    }

    /**
     * LBAC rules (jsonData.teamHttpHeaders) are Grafana's: set through its LBAC API, refused on a create and kept on
     * every update. Asked for in the spec they are not sent (the create would be refused); set in Grafana they are
     * no drift (every sync would write, and Grafana would keep them all the same).
     */
    @Test
    void lbacRulesAreGrafanasOwnNeitherSentNorReverted() {
        DatasourceRequest asking = new DatasourceRequest(OWNER, true, GATEWAY, null, AuthMode.FORWARD_OAUTH_IDENTITY, null,
                null, Map.of("teamHttpHeaders", Map.of("headers", Map.of())), null, List.of(TEST_OIDC));
        TenantDatasourceStatus created = only(sync(asking));
        assertEquals(Outcome.CREATED, created.outcome(), created.toString());
        assertFalse(grafana.datasource(created.uid()).orElseThrow().jsonData().has("teamHttpHeaders"));

        grafana.drift(created.uid(), json -> ((ObjectNode) json.get("jsonData")).putObject("teamHttpHeaders")
                .putObject("headers").putArray("1").addObject().put("header", "X-Prom-Label-Policy").put("value", "a"));
        grafana.clearRequests();

        assertEquals(Outcome.UNCHANGED, only(sync(asking)).outcome());
        assertEquals(List.of(), grafana.writes());
        assertTrue(grafana.datasource(created.uid()).orElseThrow().jsonData().has("teamHttpHeaders"));
    }

    @Test
    void aDatasourceWhoseMarkerWasRemovedCountsAsForeign() {
        String uid = only(sync(forwardOAuth(TEST_OIDC))).uid();
        grafana.drift(uid, json -> json.putObject("jsonData"));

        assertEquals(Outcome.FOREIGN, only(sync(forwardOAuth(TEST_OIDC))).outcome());
    }

    @Test
    void aNewNameTemplateRenamesTheDatasourceInPlace() {
        String uid = only(sync(forwardOAuth(TEST_OIDC))).uid();
        DatasourceRequest renamed = new DatasourceRequest(OWNER, true, GATEWAY, null, AuthMode.FORWARD_OAUTH_IDENTITY, null, null,
                null, "Traces {namespace}/{gateway} {tenant}", List.of(TEST_OIDC));

        TenantDatasourceStatus status = only(sync(renamed));

        assertEquals(Outcome.UPDATED, status.outcome());
        assertEquals(uid, status.uid());
        assertEquals("Traces observability/tempo-foo test-oidc", grafana.datasource(uid).orElseThrow().name());
    }

    @Test
    void aDatasourceMadeDefaultByAPersonStaysDefault() {
        String uid = only(sync(forwardOAuth(TEST_OIDC))).uid();
        grafana.drift(uid, json -> json.put("isDefault", true).put("url", "http://elsewhere"));

        assertEquals(Outcome.UPDATED, only(sync(forwardOAuth(TEST_OIDC))).outcome());
        assertTrue(grafana.datasource(uid).orElseThrow().json().path("isDefault").asBoolean());
    }

    @Test
    void aDeletedDatasourceIsRecreated() {
        String uid = only(sync(forwardOAuth(TEST_OIDC))).uid();
        grafana.remove(uid);

        assertEquals(Outcome.CREATED, only(sync(forwardOAuth(TEST_OIDC))).outcome());
        assertTrue(grafana.datasource(uid).isPresent());
    }

    @Test
    void aRotatedBearerTokenIsDetectedByItsHashAndSent() {
        String uid = only(sync(bearer(BEARER, TEST_OIDC))).uid();

        TenantDatasourceStatus status = only(sync(bearer("gateway-bearer-token-two", TEST_OIDC)));

        assertEquals(Outcome.UPDATED, status.outcome());
        assertEquals("Bearer gateway-bearer-token-two", grafana.datasource(uid).orElseThrow().secureJsonData().get("httpHeaderValue1"));
    }

    @Test
    void aSecretRemovedInGrafanaIsSentAgain() {
        String uid = only(sync(bearer(BEARER, TEST_OIDC))).uid();
        grafana.driftSecret(uid, "httpHeaderValue1", null);

        assertEquals(Outcome.UPDATED, only(sync(bearer(BEARER, TEST_OIDC))).outcome());
        assertEquals("Bearer " + BEARER, grafana.datasource(uid).orElseThrow().secureJsonData().get("httpHeaderValue1"));
    }

    /** Grafana keeps a stored secret that an update leaves out: ours are cleared when no longer wanted. */
    @Test
    void aBearerTokenNoLongerWantedIsClearedFromGrafana() {
        String uid = only(sync(bearer(BEARER, TEST_OIDC))).uid();
        assertEquals(Set.of("httpHeaderValue1"), grafana.datasource(uid).orElseThrow().secureJsonData().keySet());

        TenantDatasourceStatus switched = only(sync(forwardOAuth(TEST_OIDC)));

        assertEquals(Outcome.UPDATED, switched.outcome());
        Datasource stored = grafana.datasource(uid).orElseThrow();
        assertEquals(Map.of(), stored.secureJsonData(), "the token is gone from Grafana");
        assertFalse(stored.json().path("secureJsonFields").has("httpHeaderValue1"));
        assertEquals(Outcome.UNCHANGED, only(sync(forwardOAuth(TEST_OIDC))).outcome());
    }

    @Test
    void aConcurrentWriteIsReadAgainAndRetriedOnce() {
        String uid = only(sync(forwardOAuth(TEST_OIDC))).uid();
        grafana.drift(uid, json -> json.put("url", "http://elsewhere"));
        grafana.writeConcurrentlyBeforeNextUpdates(uid, 1);

        assertEquals(Outcome.UPDATED, only(sync(forwardOAuth(TEST_OIDC))).outcome());
        assertEquals(GATEWAY + "/api/traces/v1/test-oidc/tempo", grafana.datasource(uid).orElseThrow().url());
    }

    @Test
    void aDatasourceThatKeepsConflictingIsReportedFailed() {
        String uid = only(sync(forwardOAuth(TEST_OIDC))).uid();
        grafana.drift(uid, json -> json.put("url", "http://elsewhere"));
        grafana.writeConcurrentlyBeforeNextUpdates(uid, 2);

        TenantDatasourceStatus status = only(sync(forwardOAuth(TEST_OIDC)));

        assertEquals(Outcome.FAILED, status.outcome());
        assertTrue(status.message().contains("409"), status.message());
        assertEquals("http://elsewhere", grafana.datasource(uid).orElseThrow().url());
    }

    // ---- what is not ours -------------------------------------------------------------------------------------

    @Test
    void aForeignDatasourceWithOurNameIsLeftAloneAndReported() {
        Datasource foreign = grafana.addForeign("hand-made", "Tempo (test-oidc)");

        TenantDatasourceStatus status = only(sync(forwardOAuth(TEST_OIDC)));

        assertEquals(Outcome.FOREIGN, status.outcome());
        assertTrue(status.message().contains("Tempo (test-oidc)") && status.message().contains("not managed by Tracegate"), status.message());
        assertEquals(foreign, grafana.datasource("hand-made").orElseThrow(), "untouched");
    }

    @Test
    void aForeignDatasourceWithOurUidIsLeftAloneAndReported() {
        String uid = DatasourceUid.of(OWNER, TEST_OIDC.tenantName());
        Datasource foreign = grafana.addForeign(uid, "Made by hand");

        TenantDatasourceStatus status = only(sync(forwardOAuth(TEST_OIDC)));

        assertEquals(Outcome.FOREIGN, status.outcome());
        assertEquals(foreign, grafana.datasource(uid).orElseThrow());
    }

    @Test
    void anotherGatewaysDatasourceWithTheSameNameIsForeign() {
        sync(forwardOAuth(TEST_OIDC));
        DatasourceRequest otherGateway = new DatasourceRequest("observability/tempo-bar", true, GATEWAY, null,
                AuthMode.FORWARD_OAUTH_IDENTITY, null, null, null, null, List.of(TEST_OIDC));

        TenantDatasourceStatus status = only(sync(otherGateway));

        assertEquals(Outcome.FOREIGN, status.outcome());
        assertTrue(status.message().contains("belongs to TempoGateway " + OWNER), status.message());
    }

    // ---- removal ----------------------------------------------------------------------------------------------

    @Test
    void aRemovedTenantsDatasourceIsDeleted() {
        SyncReport both = sync(forwardOAuth(TEST_OIDC, DEV));
        String devUid = both.tenants().get(1).uid();

        SyncReport after = sync(forwardOAuth(TEST_OIDC));

        assertEquals(List.of(Outcome.UNCHANGED, Outcome.DELETED), after.tenants().stream().map(TenantDatasourceStatus::outcome).toList());
        assertEquals("dev", after.tenants().get(1).tenantName());
        assertTrue(grafana.datasource(devUid).isEmpty());
    }

    @Test
    void deleteAllRemovesOnlyTheOwnersDatasources() {
        sync(forwardOAuth(TEST_OIDC, DEV));
        grafana.addForeign("hand-made", "Hand made");
        datasources.sync(grafana.tokenConnection(), new DatasourceRequest("other/gateway", true, GATEWAY, null,
                AuthMode.FORWARD_OAUTH_IDENTITY, null, null, null, "Other {tenant}", List.of(TEST_OIDC)));

        SyncReport report = datasources.deleteAll(grafana.tokenConnection(), OWNER);

        assertTrue(report.grafanaReachable());
        assertEquals(2, report.tenants().size());
        assertTrue(report.tenants().stream().allMatch(t -> t.outcome() == Outcome.DELETED));
        assertEquals(List.of("Hand made", "Other test-oidc"), grafana.datasources().stream().map(Datasource::name).sorted().toList());
        assertEquals(List.of(), datasources.deleteAll(grafana.tokenConnection(), OWNER).tenants(), "nothing left: nothing to do");
    }

    @Test
    void eachSyncLogsOneInfoLinePerKindOfChangeNotOnePerDatasource() {
        Tenant[] thirty = IntStream.range(0, 30).mapToObj(i -> new Tenant("t" + i, "t" + i)).toArray(Tenant[]::new);
        List<String> lines;
        try (CapturedLogs logs = CapturedLogs.start()) {
            SyncReport created = sync(forwardOAuth(thirty));
            grafana.drift(byTenant(created, "t0").uid(), json -> json.put("url", "http://elsewhere"));
            sync(forwardOAuth(Arrays.copyOf(thirty, 12)));
            lines = logs.records().stream().filter(r -> r.getLevel().intValue() >= Level.INFO.intValue())
                    .map(CapturedLogs::text).filter(line -> line.contains(OWNER)).toList();
        }

        assertEquals(3, lines.size(), () -> "INFO lines about " + OWNER + ": " + lines.stream().limit(5).toList());
        assertTrue(lines.get(0).contains("Created 30 Grafana datasources: ") && lines.get(0).contains("(Tempo (t0))")
                && lines.get(0).contains(" and 10 more"), lines.get(0));
        assertTrue(lines.get(1).contains("Updated 1 Grafana datasource: ") && lines.get(1).contains("(Tempo (t0)), updated url"), lines.get(1));
        assertTrue(lines.get(2).contains("Deleted 18 Grafana datasources: ") && lines.get(2).contains("(Tempo (t29))"), lines.get(2));
    }

    // ---- Grafana in trouble -----------------------------------------------------------------------------------

    @Test
    void grafanaAnswering500IsReportedUnreachableAndTheNextSyncRecovers() {
        grafana.failNext(1, 500);

        SyncReport failed = sync(bearer(BEARER, TEST_OIDC));

        assertFalse(failed.grafanaReachable());
        assertTrue(failed.error().contains("500"), failed.error());
        assertFalse(failed.allSynced());
        assertTrue(grafana.datasources().isEmpty());

        SyncReport recovered = sync(bearer(BEARER, TEST_OIDC));
        assertTrue(recovered.allSynced());
        assertEquals(Outcome.CREATED, only(recovered).outcome());
    }

    @Test
    void aSyncGrafanaStopsAnsweringMidWayStillReportsTheDeletionsItMade() {
        String devUid = sync(forwardOAuth(TEST_OIDC, DEV)).tenants().get(1).uid();
        grafana.failAfter(2, 1, 503); // the list and dev's deletion are answered, test-oidc's read is not

        SyncReport failed = sync(forwardOAuth(TEST_OIDC));

        assertFalse(failed.grafanaReachable());
        assertTrue(grafana.datasource(devUid).isEmpty());
        assertEquals(List.of("dev " + Outcome.DELETED), failed.tenants().stream().map(t -> t.tenantName() + " " + t.outcome()).toList());
    }

    @Test
    void grafanaDroppingConnectionsIsReportedUnreachable() {
        grafana.setDown(true);

        SyncReport report = sync(forwardOAuth(TEST_OIDC));

        assertFalse(report.grafanaReachable());
        assertTrue(report.error().startsWith("cannot reach Grafana"), report.error());
        grafana.setDown(false);
        assertEquals(Outcome.CREATED, only(sync(forwardOAuth(TEST_OIDC))).outcome());
    }

    @Test
    void refusedCredentialsAreNamedWithoutTheSecret() {
        GrafanaConnection wrong = new GrafanaConnection(grafana.url(), "glsa_wrong-token-value", null, null, null, null);

        SyncReport report = datasources.sync(wrong, bearer(BEARER, TEST_OIDC));

        assertFalse(report.grafanaReachable());
        assertTrue(report.error().contains("credentials"), report.error());
        assertNoSecret(report, "glsa_wrong-token-value", BEARER);
    }

    @Test
    void aListGrafanaRefusesStillStopsTheWholeSync() {
        grafana.failNext(1, 403); // the first call of a sync lists the datasources

        SyncReport report = sync(bearer(BEARER, TEST_OIDC, DEV));

        assertFalse(report.grafanaReachable());
        assertTrue(report.error().contains("refused the credentials") && report.error().contains("403"), report.error());
        assertTrue(grafana.datasources().isEmpty());
    }

    // ---- one datasource refused (datasource permissions, RBAC scoped by uid) ----------------------------------

    @Test
    void anUpdateGrafanaRefusesFailsOnlyThatTenantAndTheOthersAreUpdated() {
        SyncReport first = sync(bearer(BEARER, TEST_OIDC, DEV, OPS));
        String devUid = byTenant(first, "dev").uid();
        first.tenants().forEach(t -> grafana.drift(t.uid(), json -> json.put("url", "http://elsewhere")));
        grafana.deny(devUid, GrafanaStandIn.WRITE);

        SyncReport report = sync(bearer(BEARER, TEST_OIDC, DEV, OPS));

        assertTrue(report.grafanaReachable(), report.toString());
        TenantDatasourceStatus dev = byTenant(report, "dev");
        assertEquals(Outcome.FAILED, dev.outcome());
        assertEquals("Grafana denied the provisioner's credentials updating datasource " + devUid + " (HTTP 403: You'll need"
                + " additional permissions to perform this action. Permissions needed: datasources:write)", dev.message());
        assertEquals("http://elsewhere", grafana.datasource(devUid).orElseThrow().url());
        for (String other : List.of("test-oidc", "ops")) {
            assertEquals(Outcome.UPDATED, byTenant(report, other).outcome());
            assertEquals(GATEWAY + "/api/traces/v1/" + other + "/tempo", grafana.datasource(byTenant(report, other).uid()).orElseThrow().url());
        }
    }

    @Test
    void aDatasourceGrafanaWillNotShowFailsOnlyThatTenant() {
        String devUid = DatasourceUid.of(OWNER, DEV.tenantName());
        grafana.deny(devUid, GrafanaStandIn.READ);

        SyncReport report = sync(forwardOAuth(TEST_OIDC, DEV));

        assertTrue(report.grafanaReachable());
        assertEquals(Outcome.CREATED, byTenant(report, "test-oidc").outcome());
        assertEquals(Outcome.FAILED, byTenant(report, "dev").outcome());
        assertTrue(byTenant(report, "dev").message().contains("reading datasource " + devUid)
                && byTenant(report, "dev").message().contains("Permissions needed: datasources:read"), byTenant(report, "dev").message());
        assertTrue(grafana.datasource(devUid).isEmpty(), "not created blindly over what cannot be read");
    }

    @Test
    void aRefusedCreateFailsOnlyTheNewTenantAndTheOthersAreStillUpdated() {
        String uid = only(sync(forwardOAuth(TEST_OIDC))).uid();
        grafana.drift(uid, json -> json.put("url", "http://elsewhere"));
        grafana.denyCreate();

        SyncReport report = sync(forwardOAuth(TEST_OIDC, DEV));

        assertEquals(Outcome.UPDATED, byTenant(report, "test-oidc").outcome());
        TenantDatasourceStatus dev = byTenant(report, "dev");
        assertEquals(Outcome.FAILED, dev.outcome());
        assertTrue(dev.message().contains("creating datasource \"Tempo (dev)\"") && dev.message().contains("datasources:create"), dev.message());
        assertTrue(grafana.datasource(dev.uid()).isEmpty());
    }

    @Test
    void aRefusedHealthCheckIsToldInThatDatasourcesHealthOnly() {
        String devUid = DatasourceUid.of(OWNER, DEV.tenantName());
        grafana.deny(devUid, GrafanaStandIn.QUERY);

        SyncReport report = sync(bearer(BEARER, TEST_OIDC, DEV));

        assertTrue(report.allSynced(), "the datasources are in place: " + report);
        assertEquals("OK", byTenant(report, "test-oidc").health());
        assertEquals("ERROR: Grafana denied the provisioner's credentials the health check of datasource " + devUid
                + " (HTTP 403: Access denied to datasource)", byTenant(report, "dev").health());
    }

    @Test
    void aRefusedDeletionFailsOnlyThatDatasourceAndTheOthersAreDeleted() {
        SyncReport first = sync(forwardOAuth(TEST_OIDC, DEV, OPS));
        String devUid = byTenant(first, "dev").uid();
        String opsUid = byTenant(first, "ops").uid();
        grafana.deny(devUid, GrafanaStandIn.DELETE);

        SyncReport report = sync(forwardOAuth(TEST_OIDC));

        assertTrue(report.grafanaReachable());
        assertEquals(Outcome.UNCHANGED, byTenant(report, "test-oidc").outcome());
        assertEquals(Outcome.DELETED, byTenant(report, "ops").outcome());
        assertEquals(Outcome.FAILED, byTenant(report, "dev").outcome());
        assertTrue(byTenant(report, "dev").message().contains("deleting datasource " + devUid + " (HTTP 403"), byTenant(report, "dev").message());
        assertTrue(grafana.datasource(opsUid).isEmpty());
        assertTrue(grafana.datasource(devUid).isPresent());

        SyncReport cleanup = datasources.deleteAll(grafana.tokenConnection(), OWNER);
        assertTrue(cleanup.grafanaReachable());
        assertEquals(Outcome.FAILED, byTenant(cleanup, "dev").outcome());
        assertEquals(List.of("Tempo (dev)"), grafana.datasources().stream().map(Datasource::name).toList());
    }

    @Test
    void unhealthyDatasourceReportsGrafanasMessage() {
        String uid = DatasourceUid.of(OWNER, TEST_OIDC.tenantName());
        grafana.setHealth(uid, false, "failed to reach the gateway: 502");

        TenantDatasourceStatus status = only(sync(bearer(BEARER, TEST_OIDC)));

        assertEquals("ERROR: failed to reach the gateway: 502", status.health());
    }

    // ---- talking to Grafana -----------------------------------------------------------------------------------

    @Test
    void basicAuthAndTheOrgHeaderAreSentOnEveryCall() {
        SyncReport report = datasources.sync(grafana.basicAuthConnection(2L), forwardOAuth(TEST_OIDC));

        assertEquals(Outcome.CREATED, only(report).outcome());
        assertEquals(2L, grafana.datasource(2, only(report).uid()).orElseThrow().orgId());
        assertTrue(grafana.datasource(only(report).uid()).isEmpty(), "nothing in the default org");
        assertTrue(grafana.requests().stream().allMatch(r -> "2".equals(r.headers().get("x-grafana-org-id"))
                && r.headers().get("authorization").startsWith("Basic ")));
    }

    @Test
    void anHttpsGrafanaIsTrustedThroughTheGivenCaAndOnlyThen() {
        SelfSignedCertificate certificate = SelfSignedCertificate.forLoopback();
        try (GrafanaStandIn https = GrafanaStandIn.startHttps(certificate.serverTls())) {
            GrafanaConnection trusting = new GrafanaConnection(https.url(), GrafanaStandIn.TOKEN, null, null, null, certificate.pem());
            GrafanaConnection notTrusting = new GrafanaConnection(https.url(), GrafanaStandIn.TOKEN, null, null, null, null);

            SyncReport refused = datasources.sync(notTrusting, forwardOAuth(TEST_OIDC));
            assertFalse(refused.grafanaReachable());
            assertTrue(refused.error().startsWith("cannot reach Grafana"), refused.error());
            assertEquals(Outcome.CREATED, only(datasources.sync(trusting, forwardOAuth(TEST_OIDC))).outcome());
        }
    }

    @Test
    void extraJsonDataIsKeptAndCountsForDrift() {
        DatasourceRequest request = new DatasourceRequest(OWNER, true, GATEWAY, null, AuthMode.FORWARD_OAUTH_IDENTITY, null, null,
                Map.of("timeout", 60, "serviceMap", Map.of("datasourceUid", "prometheus")), null, List.of(TEST_OIDC));
        String uid = only(sync(request)).uid();
        assertEquals(Outcome.UNCHANGED, only(sync(request)).outcome());

        grafana.drift(uid, json -> ((ObjectNode) json.get("jsonData")).remove("serviceMap"));

        assertEquals(Outcome.UPDATED, only(sync(request)).outcome());
        assertEquals("prometheus", grafana.datasource(uid).orElseThrow().jsonData().path("serviceMap").path("datasourceUid").asText());
    }

    @Test
    void callsAreCountedByMethodEndpointAndStatus() {
        sync(forwardOAuth(TEST_OIDC));

        Counter created = registry.find(GrafanaHttp.REQUESTS_METRIC)
                .tags("method", "POST", "endpoint", "create", "status", "200").counter();
        assertTrue(created != null && created.count() >= 1);
    }

    @Test
    void anInvalidRequestFailsEachTenantWithoutCallingGrafana() {
        SyncReport report = sync(bearer("", TEST_OIDC));

        assertEquals(Outcome.FAILED, only(report).outcome());
        assertTrue(only(report).message().contains("bearer token"));
        assertEquals(List.of(), grafana.requests());
    }

    /**
     * Grafana keeps datasource names unique in an org: a template without {tenant} would have Grafana refuse every
     * tenant's create but the first, at every retry. It is refused before Grafana is asked, naming the field.
     */
    @Test
    void aNameTemplateThatGivesTwoTenantsOneNameIsRefusedWithoutCallingGrafana() {
        for (String template : new String[] { "Tempo", "Tempo {gateway}", " {tenantId} " }) {
            DatasourceRequest clash = new DatasourceRequest(OWNER, true, GATEWAY, null, AuthMode.FORWARD_OAUTH_IDENTITY, null, null,
                    null, template, List.of(TEST_OIDC, new Tenant("dev", null)));

            SyncReport report = sync(clash);

            assertEquals(List.of(Outcome.FAILED, Outcome.FAILED), report.tenants().stream().map(TenantDatasourceStatus::outcome).toList(), template);
            assertTrue(report.tenants().get(0).message().contains("spec.grafana.datasource.nameTemplate"), report.tenants().get(0).message());
        }
        assertEquals(List.of(), grafana.requests());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    SyncReport sync(DatasourceRequest request) {
        SyncReport report = datasources.sync(grafana.tokenConnection(), request);
        assertNoSecret(report, GrafanaStandIn.TOKEN, request.bearerToken());
        return report;
    }

    static DatasourceRequest forwardOAuth(Tenant... tenants) {
        return new DatasourceRequest(OWNER, true, GATEWAY + "/", null, AuthMode.FORWARD_OAUTH_IDENTITY, null, null, null, null, List.of(tenants));
    }

    static DatasourceRequest bearer(String token, Tenant... tenants) {
        return new DatasourceRequest(OWNER, true, GATEWAY, null, AuthMode.BEARER_TOKEN, token, null, null, null, List.of(tenants));
    }

    static TenantDatasourceStatus byTenant(SyncReport report, String tenant) {
        return report.tenants().stream().filter(t -> tenant.equals(t.tenantName())).findFirst()
                .orElseThrow(() -> new AssertionError("no status for " + tenant + " in " + report));
    }

    static TenantDatasourceStatus only(SyncReport report) {
        assertEquals(1, report.tenants().size(), report.toString());
        return report.tenants().get(0);
    }

    static void assertNoSecret(SyncReport report, String... secrets) {
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                assertFalse(report.toString().contains(secret), "a secret leaked into " + report);
            }
        }
    }

}
