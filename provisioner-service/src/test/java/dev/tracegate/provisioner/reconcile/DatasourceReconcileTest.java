package dev.tracegate.provisioner.reconcile;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_URL;
import static dev.tracegate.provisioner.support.Fixtures.QUERY_FRONTEND;
import static dev.tracegate.provisioner.support.Fixtures.TENANT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.DatasourceSpec;
import dev.tracegate.provisioner.crd.SecretKeyRef;
import dev.tracegate.provisioner.crd.SecretName;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.TenantAuthentication;
import dev.tracegate.provisioner.crd.TenantStatus;
import dev.tracegate.provisioner.datasources.DatasourceSync;
import dev.tracegate.provisioner.grafana.DatasourceUid;
import dev.tracegate.provisioner.grafana.GrafanaStandIn;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.StalledRequests;
import dev.tracegate.testsupport.LoopbackPorts;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A TempoGateway with spec.grafana keeps one Tempo datasource per tenant in Grafana (a stand-in here). */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class DatasourceReconcileTest {
    static final String GRAFANA_CREDENTIALS = "grafana-admin";

    @Inject
    KubernetesClient client;

    @Inject
    GatewayWatch watch;

    Cluster cluster;
    String namespace;
    GrafanaStandIn grafana;

    @BeforeEach
    void start() {
        cluster = new Cluster(client);
        namespace = Fixtures.freshNamespace();
        grafana = GrafanaStandIn.start();
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "s3cret"));
        cluster.apply(Fixtures.secret(namespace, GRAFANA_CREDENTIALS, Map.of("token", GrafanaStandIn.TOKEN)));
    }

    @AfterEach
    void stop() {
        StalledRequests.reset();
        // Delete while Grafana is still there: the finalizer's cleanup needs it, and nothing is left retrying.
        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();
        grafana.failNext(0, 500);
        grafana.setDown(false);
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway(namespace) == null);
        grafana.close();
    }

    TempoGateway withGrafana() {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().grafana = Fixtures.grafana(grafana.url().toString(), GRAFANA_CREDENTIALS);
        return gateway;
    }

    /** The TempoGateway with Grafana and a second tenant, dev, created and Ready. */
    void createReadyWithTenantDev() {
        TempoGateway gateway = withGrafana();
        gateway.getSpec().tenants.authentication.add(Fixtures.tenant("dev", "oidc-dev"));
        cluster.create(gateway);
        cluster.awaitReady(namespace);
    }

    String uid(String tenant) {
        return DatasourceUid.of(namespace + "/" + GATEWAY, tenant);
    }

    /** Each list of a Secret by name (a new watch's first) waits a second, on the thread that starts the watch. */
    void stallListsOfSecretsByName() {
        StalledRequests.stall(r -> r.verb().equals("list") && r.resource().equals("secrets")
                && r.namespace().equals(namespace) && !r.name().isEmpty(), Duration.ofSeconds(1));
    }

    @Test
    void byDefaultGrafanaForwardsTheUsersIdentityThroughTheGateway() {
        cluster.create(withGrafana());

        cluster.awaitReady(namespace);
        GrafanaStandIn.Datasource datasource = grafana.datasource(uid(TENANT)).orElseThrow();
        assertEquals(GATEWAY_URL + "/api/traces/v1/test-oidc/tempo", datasource.url());
        assertTrue(datasource.jsonData().path("oauthPassThru").asBoolean());
        assertEquals("tempo", datasource.json().path("type").asText());
        Condition synced = cluster.condition(namespace, Conditions.DATASOURCES_SYNCED).orElseThrow();
        assertEquals("Synced", synced.reason);
        TenantStatus tenant = cluster.gateway(namespace).getStatus().tenants.get(0);
        assertEquals(uid(TENANT), tenant.datasourceUid);
        assertEquals(datasource.name(), tenant.datasourceName);
    }

    /** A TempoGateway whose datasources authenticate with this token, from Secret {@code gateway-reader}. */
    private void createWithBearerToken(String token) {
        TempoGateway gateway = withGrafana();
        gateway.getSpec().grafana.datasource = new DatasourceSpec();
        gateway.getSpec().grafana.datasource.authentication = DatasourceSpec.Authentication.BEARER_TOKEN;
        gateway.getSpec().grafana.datasource.tokenSecret = new SecretKeyRef("gateway-reader", "token");
        cluster.apply(Fixtures.secret(namespace, "gateway-reader", Map.of("token", token)));
        cluster.create(gateway);
    }

    /** Grafana before 12.3 cannot check a Tempo datasource from its backend: no health is told, not an error. */
    @Test
    void aGrafanaWithoutABackendCheckForTempoLeavesTheHealthUntold() {
        grafana.withoutHealthChecks();
        createWithBearerToken("first-bearer");

        cluster.awaitReady(namespace);
        assertTrue(grafana.requests().stream().anyMatch(r -> r.path().endsWith("/health")), "the check was asked for");
        TenantStatus tenant = cluster.gateway(namespace).getStatus().tenants.get(0);
        assertEquals(uid(TENANT), tenant.datasourceUid);
        assertNull(tenant.datasourceHealth);
    }

    @Test
    void withBearerTokenGrafanaSendsTheTokenOfItsSecret() {
        createWithBearerToken("first-bearer");

        cluster.awaitReady(namespace);
        GrafanaStandIn.Datasource datasource = grafana.datasource(uid(TENANT)).orElseThrow();
        assertEquals(GATEWAY_URL + "/api/traces/v1/test-oidc/tempo", datasource.url());
        assertEquals("Authorization", datasource.jsonData().path("httpHeaderName1").asText());
        assertEquals("Bearer first-bearer", datasource.secureJsonData().get("httpHeaderValue1"));
        assertEquals("OK", cluster.gateway(namespace).getStatus().tenants.get(0).datasourceHealth);

        cluster.apply(Fixtures.secret(namespace, "gateway-reader", Map.of("token", "rotated-bearer")));

        await().atMost(Duration.ofSeconds(20)).until(() ->
                "Bearer rotated-bearer".equals(grafana.datasource(uid(TENANT)).orElseThrow().secureJsonData().get("httpHeaderValue1")));
    }

    @Test
    void withoutTheGatewayGrafanaQueriesTempoWithTheTenantsOrgId() {
        TempoGateway gateway = withGrafana();
        gateway.getSpec().gateway.enabled = false;
        cluster.create(gateway);

        cluster.awaitReady(namespace);
        GrafanaStandIn.Datasource datasource = grafana.datasource(uid(TENANT)).orElseThrow();
        assertEquals(QUERY_FRONTEND, datasource.url());
        assertEquals("X-Scope-OrgID", datasource.jsonData().path("httpHeaderName1").asText());
        assertEquals(TENANT, datasource.secureJsonData().get("httpHeaderValue1"));
    }

    @Test
    void withoutTheGatewayNoTenantOidcSecretIsNeeded() {
        TempoGateway gateway = withGrafana();
        gateway.getSpec().gateway.enabled = false;
        gateway.getSpec().secretSync = null; // and no Secret oidc-test exists
        cluster.create(gateway);

        cluster.awaitReady(namespace);
        assertEquals("GatewayDisabled", cluster.condition(namespace, Conditions.CONFIG_PUBLISHED).orElseThrow().reason);
        assertEquals(QUERY_FRONTEND, grafana.datasource(uid(TENANT)).orElseThrow().url());
    }

    @Test
    void grafanaAnswering500IsReportedAndRetriedUntilItRecovers() {
        grafana.failNext(Integer.MAX_VALUE, 500);
        cluster.create(withGrafana());

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.DATASOURCES_SYNCED, "False"));
        Condition failing = cluster.condition(namespace, Conditions.DATASOURCES_SYNCED).orElseThrow();
        assertEquals("GrafanaUnreachable", failing.reason);
        assertTrue(failing.message.contains(grafana.url().toString()), failing.message);
        assertEquals("False", cluster.condition(namespace, Conditions.READY).orElseThrow().status);

        grafana.failNext(0, 500);

        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.conditionIs(namespace, Conditions.READY, "True"));
        assertTrue(grafana.datasource(uid(TENANT)).isPresent());
    }

    @Test
    void aDatasourceSomeoneElseMadeIsLeftAloneAndReported() {
        grafana.addForeign("hand-made", "Tempo (test-oidc)");
        cluster.create(withGrafana());

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.DATASOURCES_SYNCED, "False"));
        Condition condition = cluster.condition(namespace, Conditions.DATASOURCES_SYNCED).orElseThrow();
        assertEquals("ForeignDatasource", condition.reason);
        assertTrue(condition.message.contains("Tempo (test-oidc)"), condition.message);
        assertEquals("http://someone-elses-tempo:3200", grafana.datasource("hand-made").orElseThrow().url());
    }

    @Test
    void aDatasourceGrafanaRefusesFailsOnlyItsTenantAndTheOthersAreStillSynced() {
        createReadyWithTenantDev();
        // Grafana's datasource permissions (or an RBAC role scoped by uid) take the write on dev's datasource only.
        grafana.deny(uid("dev"), GrafanaStandIn.WRITE);

        cluster.editGateway(namespace, g -> {
            g.getSpec().grafana.datasource = new DatasourceSpec();
            g.getSpec().grafana.datasource.nameTemplate = "Traces ({tenant})";
        });

        Condition synced = await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .filter(c -> c.reason.equals("DatasourceSyncFailed")).orElse(null), Objects::nonNull);
        assertEquals("False", synced.status);
        assertEquals("tenant dev: Grafana denied the provisioner's credentials updating datasource " + uid("dev") + " (HTTP 403:"
                + " You'll need additional permissions to perform this action. Permissions needed: datasources:write) (retrying)", synced.message);
        assertEquals("Traces (test-oidc)", grafana.datasource(uid(TENANT)).orElseThrow().name(), "the other tenant's datasource is updated");
        assertEquals("Tempo (dev)", grafana.datasource(uid("dev")).orElseThrow().name(), "refused, left as it was");
        Condition ready = cluster.condition(namespace, Conditions.READY).orElseThrow();
        assertEquals("False", ready.status);
        assertEquals("DatasourceSyncFailed", ready.reason);
        List<TenantStatus> tenants = await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway(namespace).getStatus().tenants,
                t -> t.size() == 2 && "Traces (test-oidc)".equals(t.get(0).datasourceName));
        assertEquals(null, tenants.get(0).lastError);
        assertEquals("dev", tenants.get(1).tenantName);
        assertEquals(uid("dev"), tenants.get(1).datasourceUid);
        assertTrue(tenants.get(1).lastError.contains("updating datasource " + uid("dev")) && tenants.get(1).lastError.contains("datasources:write"),
                tenants.get(1).lastError);
        assertTrue(cluster.events(namespace).stream().noneMatch(e -> e.getMessage().contains(GrafanaStandIn.TOKEN)));

        // Granted again: the retry syncs it, no change to the TempoGateway needed.
        grafana.allowAll();
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.conditionIs(namespace, Conditions.READY, "True"));
        assertEquals("Traces (dev)", grafana.datasource(uid("dev")).orElseThrow().name());
    }

    /**
     * Tenants every gateway would refuse are not published: the gateways keep serving the last good document, and
     * Grafana keeps the datasources it had for it. In one edit, dev renamed and another tenant's issuer made invalid:
     * dev's datasource stays (the gateways still serve dev), dev2 gets none (they do not know it) until the edit that
     * makes the tenants valid.
     */
    @Test
    void whileTheTenantsAreRefusedGrafanaKeepsTheDatasourcesOfTheLastGoodDocument() {
        createReadyWithTenantDev();
        grafana.clearRequests();

        cluster.editGateway(namespace, g -> {
            g.getSpec().tenants.authentication.get(1).tenantName = "dev2";
            g.getSpec().tenants.authentication.get(1).oidc.redirectURL = g.getSpec().tenants.authentication.get(1).oidc.redirectURL
                    .replace("/oidc/dev/", "/oidc/dev2/");
            g.getSpec().tenants.authentication.get(0).oidc.issuerURL = "http://dex:30556x/dex";
        });

        Condition held = await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .filter(c -> c.reason.equals(DatasourceSync.TENANTS_INVALID)).orElse(null), Objects::nonNull);
        assertEquals("False", held.status);
        assertTrue(held.message.contains("ConfigPublished"), held.message);
        assertEquals("InvalidTenants", cluster.condition(namespace, Conditions.READY).orElseThrow().reason, "the cause comes first");
        assertEquals("Tempo (dev)", grafana.datasource(uid("dev")).orElseThrow().name());
        assertTrue(grafana.datasource(uid("dev2")).isEmpty());
        assertEquals(List.of(), grafana.writes());

        cluster.editGateway(namespace, g -> g.getSpec().tenants.authentication.get(0).oidc.issuerURL = Fixtures.ISSUER);

        cluster.awaitReady(namespace);
        assertEquals("Tempo (dev2)", grafana.datasource(uid("dev2")).orElseThrow().name());
        assertTrue(grafana.datasource(uid("dev")).isEmpty());
    }

    /** The same while a tenant's Secret is missing: the gateways serve the last good document, and so does Grafana. */
    @Test
    void whileATenantSecretIsMissingGrafanaKeepsTheDatasourcesOfTheLastGoodDocument() {
        createReadyWithTenantDev();
        grafana.clearRequests();

        cluster.editGateway(namespace, g -> {
            g.getSpec().secretSync.tenants = List.of(TENANT); // so that nothing fills the renamed tenant's Secret
            TenantAuthentication renamed = g.getSpec().tenants.authentication.get(1);
            renamed.tenantName = "dev2";
            renamed.oidc.redirectURL = renamed.oidc.redirectURL.replace("/oidc/dev/", "/oidc/dev2/");
            renamed.oidc.secret = new SecretName("oidc-dev2");
        });

        Condition held = await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .filter(c -> c.reason.equals(DatasourceSync.TENANTS_UNRESOLVED)).orElse(null), Objects::nonNull);
        assertEquals("False", held.status);
        assertEquals("TenantSecretMissing", cluster.condition(namespace, Conditions.READY).orElseThrow().reason, "the cause comes first");
        assertEquals("Tempo (dev)", grafana.datasource(uid("dev")).orElseThrow().name());
        assertTrue(grafana.datasource(uid("dev2")).isEmpty());
        assertEquals(List.of(), grafana.writes());

        cluster.apply(Fixtures.secret(namespace, "oidc-dev2", Map.of("clientID", "dev2-client", "clientSecret", "dev2-secret")));

        cluster.awaitReady(namespace);
        assertEquals("Tempo (dev2)", grafana.datasource(uid("dev2")).orElseThrow().name());
        assertTrue(grafana.datasource(uid("dev")).isEmpty());
    }

    @Test
    void aDatasourceGrafanaWillNotLetBeDeletedHoldsTheDeletionUntilTheTimeoutAndIsNamed() {
        createReadyWithTenantDev();
        grafana.deny(uid("dev"), GrafanaStandIn.DELETE);

        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();

        Condition failed = await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .filter(c -> c.reason.equals("CleanupFailed")).orElse(null), Objects::nonNull);
        assertTrue(failed.message.contains("1 datasource(s) deleted") && failed.message.contains("\"Tempo (dev)\"")
                && failed.message.contains("datasources:delete"), failed.message);
        assertTrue(grafana.datasource(uid(TENANT)).isEmpty(), "the other tenant's datasource is deleted");

        // tracegate.provisioner.cleanup-timeout is 6s in tests: then it lets go and says what is left.
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.gateway(namespace) == null);
        String abandoned = eventMessage("CleanupAbandoned");
        assertTrue(abandoned != null && abandoned.contains("\"Tempo (dev)\"") && abandoned.contains("datasources:delete"), abandoned);
        assertEquals(null, eventMessage("CleanedUp"));
        assertTrue(grafana.datasource(uid("dev")).isPresent(), "what the Event says is left behind");
    }

    /**
     * A condition's observedGeneration names the spec it was judged against: while a cleanup retries, it judges
     * Ready and DatasourcesSynced again, and the other conditions keep the generation they were judged against.
     */
    @Test
    void whileTheCleanupRetriesTheConditionsItDoesNotJudgeKeepTheirGeneration() {
        createReadyWithTenantDev();
        // As if SecretsSynced had last been judged against an older spec.
        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).editStatus(g -> {
            g.getStatus().conditions.stream().filter(c -> c.type.equals(Conditions.SECRETS_SYNCED))
                    .forEach(c -> c.observedGeneration = 0L);
            return g;
        });
        grafana.deny(uid("dev"), GrafanaStandIn.DELETE);

        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .filter(c -> c.reason.equals("CleanupFailed")).isPresent());
        TempoGateway deleting = cluster.gateway(namespace);
        Long generation = deleting.getMetadata().getGeneration();
        assertEquals(generation, cluster.condition(namespace, Conditions.READY).orElseThrow().observedGeneration);
        assertEquals(generation, cluster.condition(namespace, Conditions.DATASOURCES_SYNCED).orElseThrow().observedGeneration);
        assertEquals(0L, cluster.condition(namespace, Conditions.SECRETS_SYNCED).orElseThrow().observedGeneration,
                "SecretsSynced, not judged again, keeps the generation it was judged against");
    }

    @Test
    void aNewGatewayIsReconciledOnceNotAgainWhenTheWatchesOfItsSecretsStart() {
        cluster.create(withGrafana());
        cluster.awaitReady(namespace);

        // The watches of the Secrets it names start with it, and list what its reconcile has read already: each
        // reconcile asks Grafana for the datasources once, so a second one would show as a second list here.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(1,
                grafana.requests().stream().filter(r -> r.method().equals("GET") && r.path().equals("/api/datasources")).count(),
                () -> grafana.requests().stream().map(r -> r.method() + " " + r.path()).toList().toString()));
    }

    @Test
    void aNewGatewayIsReconciledOnceAlsoWhenAWatchOfItsSecretsReportsBeforeItIsQueued() {
        // Its add event starts one watch per Secret it names, then queues it. On a loaded machine the first watch's
        // list can be handled in between, and its news starts the reconcile: the add event must not start a second
        // one, nor the later watch's list of a Secret that reconcile read from the API server. The stall makes this
        // happen every time.
        stallListsOfSecretsByName();
        cluster.create(withGrafana());
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.READY, "True")
                && watch.namedSecrets().containsAll(List.of(namespace + "/" + Fixtures.SOURCE_SECRET,
                        namespace + "/" + GRAFANA_CREDENTIALS)));

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(1,
                grafana.requests().stream().filter(r -> r.method().equals("GET") && r.path().equals("/api/datasources")).count(),
                () -> grafana.requests().stream().map(r -> r.method() + " " + r.path()).toList().toString()));
    }

    @Test
    void aChangedGatewayIsReconciledOnceAlsoWhenTheWatchesOfTheSecretsItNowNamesReportFirst() {
        cluster.apply(Fixtures.secret(namespace, "gateway-reader", Map.of("token", "first-bearer")));
        cluster.apply(Fixtures.secret(namespace, "gateway-ca", Map.of("ca.crt", "a CA")));
        cluster.create(withGrafana());
        cluster.awaitReady(namespace);

        // As above, for a change that names two more Secrets: the first new watch's list starts the reconcile.
        stallListsOfSecretsByName();
        cluster.editGateway(namespace, g -> {
            g.getSpec().grafana.datasource = new DatasourceSpec();
            g.getSpec().grafana.datasource.authentication = DatasourceSpec.Authentication.BEARER_TOKEN;
            g.getSpec().grafana.datasource.tokenSecret = new SecretKeyRef("gateway-reader", "token");
            g.getSpec().grafana.datasource.caSecret = new SecretKeyRef("gateway-ca", "ca.crt");
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> "Bearer first-bearer".equals(grafana.datasource(uid(TENANT))
                .map(d -> d.secureJsonData().get("httpHeaderValue1")).orElse(null))
                && watch.namedSecrets().containsAll(List.of(namespace + "/gateway-reader", namespace + "/gateway-ca")));

        // One reconcile for the creation, one for the change.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(2,
                grafana.requests().stream().filter(r -> r.method().equals("GET") && r.path().equals("/api/datasources")).count(),
                () -> grafana.requests().stream().map(r -> r.method() + " " + r.path()).toList().toString()));
    }

    @Test
    void aDatasourceDeletedInGrafanaComesBackAtTheNextResyncOrChange() {
        cluster.create(withGrafana());
        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid(TENANT)).isPresent());

        grafana.remove(uid(TENANT));
        // Any change to a Secret the gateway names triggers a reconcile, as the periodic resync would.
        cluster.apply(Fixtures.secret(namespace, GRAFANA_CREDENTIALS, Map.of("token", GrafanaStandIn.TOKEN, "touched", "1")));

        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid(TENANT)).isPresent());
    }

    /** A TempoGateway admitted by a CRD from before the URL's user and password were refused (no schema here). */
    @Test
    void aGrafanaUrlWithAPasswordIsRefusedAndThePasswordShownNowhere() {
        TempoGateway gateway = withGrafana();
        gateway.getSpec().grafana.url = "http://admin:hunter2@" + grafana.url().getAuthority();
        cluster.create(gateway);

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .map(c -> c.reason.equals("InvalidSpec")).orElse(false));
        Condition refused = cluster.condition(namespace, Conditions.DATASOURCES_SYNCED).orElseThrow();
        assertEquals("spec.grafana.url: must not carry a user or password", refused.message);
        assertTrue(grafana.requests().isEmpty(), "Grafana is not called with credentials from the URL");

        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway(namespace) == null);
        assertTrue(cluster.events(namespace).stream().noneMatch(e -> e.getMessage().contains("hunter2")),
                () -> cluster.events(namespace).stream().map(e -> e.getMessage()).toList().toString());
    }

    @Test
    void deletingTheGatewayDeletesItsDatasources() {
        cluster.create(withGrafana());
        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid(TENANT)).isPresent());
        assertTrue(cluster.gateway(namespace).hasFinalizer(TempoGateway.CLEANUP_FINALIZER), "held for the cleanup");

        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway(namespace) == null);
        assertFalse(grafana.datasource(uid(TENANT)).isPresent());
    }

    @Test
    void deletingTheNamespaceDeletesTheDatasourcesThoughTheCredentialsSecretGoesFirst() {
        cluster.create(withGrafana());
        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid(TENANT)).isPresent());

        // kubectl delete namespace deletes the credentials Secret with the TempoGateway, often before the
        // finalizer's cleanup runs: here the provisioner has seen the Secret go before the gateway is deleted.
        client.secrets().inNamespace(namespace).withName(GRAFANA_CREDENTIALS).delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .map(c -> c.reason.equals("GrafanaCredentialsMissing")).orElse(false));
        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway(namespace) == null);
        assertFalse(grafana.datasource(uid(TENANT)).isPresent(), "the datasource was deleted with the last Grafana connection that worked");
        assertTrue(cluster.events(namespace).stream().anyMatch(e -> e.getReason().equals("CleanedUp")));
    }

    @Test
    void aGrafanaThatStaysDownHoldsTheDeletionOnlyUntilTheCleanupTimeout() {
        cluster.create(withGrafana());
        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid(TENANT)).isPresent());
        grafana.setDown(true);

        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();

        // While it retries, the TempoGateway stays and says why (tracegate.provisioner.cleanup-timeout is 6s in tests).
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .map(c -> c.reason.equals("CleanupFailed")).orElse(false));
        Condition retrying = cluster.condition(namespace, Conditions.READY).orElseThrow();
        assertEquals("CleanupFailed", retrying.reason);
        assertTrue(retrying.message.contains("retrying until"), retrying.message);

        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.gateway(namespace) == null);
        String abandoned = cluster.events(namespace).stream().filter(e -> e.getReason().equals("CleanupAbandoned"))
                .map(e -> e.getMessage()).findFirst().orElseThrow();
        assertTrue(abandoned.contains(grafana.url().toString()) && abandoned.contains("left in Grafana"), abandoned);
        grafana.setDown(false);
        assertTrue(grafana.datasource(uid(TENANT)).isPresent(), "what the Event says is left behind");
    }

    /**
     * A move to a Grafana that never worked leaves the datasources in the one that last did (nothing is deleted
     * before the new one works): deleting the TempoGateway then takes them from there too.
     */
    @Test
    void deletingAGatewayWhoseMoveNeverWorkedDeletesItsDatasourcesWhereTheyAre() {
        cluster.create(withGrafana());
        cluster.awaitReady(namespace);
        String nowhere = "http://127.0.0.1:" + LoopbackPorts.free();
        cluster.editGateway(namespace, g -> g.getSpec().grafana.url = nowhere);
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .filter(c -> c.message.contains(nowhere)).isPresent());
        assertTrue(grafana.datasource(uid(TENANT)).isPresent(), "left where they are while the new Grafana does not work");

        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();

        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid(TENANT)).isEmpty());
        // The Grafana spec.grafana names stays unreachable: the cleanup lets go at its timeout (6s in tests).
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.gateway(namespace) == null);
    }

    @Test
    void aRemovedTenantLosesItsDatasource() {
        TempoGateway gateway = withGrafana();
        gateway.getSpec().tenants.authentication.add(Fixtures.tenant("dev", "oidc-dev"));
        cluster.create(gateway);
        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid("dev")).isPresent());

        cluster.editGateway(namespace, g -> g.getSpec().tenants.authentication.removeIf(t -> t.tenantName.equals("dev")));

        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid("dev")).isEmpty());
        assertTrue(grafana.datasource(uid(TENANT)).isPresent());
        // Its Secret, made by the provisioner and read by no tenant now, goes too.
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.secret(namespace, "oidc-dev") == null);
    }

    @Test
    void movingToAnotherGrafanaTakesTheDatasourcesAwayFromTheFirst() {
        try (GrafanaStandIn first = GrafanaStandIn.start()) {
            TempoGateway gateway = withGrafana();
            gateway.getSpec().grafana.url = first.url().toString();
            cluster.create(gateway);
            await().atMost(Duration.ofSeconds(20)).until(() -> first.datasource(uid(TENANT)).isPresent());

            cluster.editGateway(namespace, g -> g.getSpec().grafana.url = grafana.url().toString());

            await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid(TENANT)).isPresent());
            assertEquals(List.of(), first.datasources(), "deleted from the Grafana the spec no longer names");
            Condition synced = await().atMost(Duration.ofSeconds(20)).until(() -> syncedIn(grafana), Objects::nonNull);
            assertEquals("True", synced.status);
            assertTrue(synced.message.contains("deleted 1 datasource(s) from Grafana " + first.url()), synced.message);
            assertTrue(cluster.conditionIs(namespace, Conditions.READY, "True"));
            String told = eventMessage("DatasourcesDeleted");
            assertTrue(told != null && told.contains("deleted 1 datasource(s) from Grafana " + first.url()), told);
        }
    }

    /**
     * With a user's basic auth and no orgId, Grafana serves that user's current org, which a switch in Grafana's UI
     * moves: the condition says so, and names the field that pins the org.
     */
    @Test
    void basicAuthWithoutAnOrgIsSaidToFollowTheUsersCurrentOrg() {
        cluster.apply(Fixtures.secret(namespace, GRAFANA_CREDENTIALS, Map.of("admin-user", GrafanaStandIn.USER, "admin-password", GrafanaStandIn.PASSWORD)));
        cluster.create(withGrafana());
        cluster.awaitReady(namespace);
        Condition synced = cluster.condition(namespace, Conditions.DATASOURCES_SYNCED).orElseThrow();
        assertEquals("Synced", synced.reason);
        assertTrue(synced.message.endsWith("set spec.grafana.orgId)"), synced.message);

        cluster.editGateway(namespace, g -> g.getSpec().grafana.orgId = GrafanaStandIn.DEFAULT_ORG);

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .filter(c -> c.reason.equals("Synced") && !c.message.contains("orgId")).isPresent());
    }

    /** A user's credentials (a server admin's) work in every org, unlike a service account's token. */
    @Test
    void movingToAnotherOrgTakesTheDatasourcesAwayFromTheFirst() {
        cluster.apply(Fixtures.secret(namespace, GRAFANA_CREDENTIALS, Map.of("admin-user", GrafanaStandIn.USER, "admin-password", GrafanaStandIn.PASSWORD)));
        cluster.create(withGrafana()); // no orgId: the credentials' own org, 1 in the stand-in
        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(GrafanaStandIn.DEFAULT_ORG, uid(TENANT)).isPresent());

        cluster.editGateway(namespace, g -> g.getSpec().grafana.orgId = 2L);

        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(2, uid(TENANT)).isPresent());
        assertTrue(grafana.datasource(GrafanaStandIn.DEFAULT_ORG, uid(TENANT)).isEmpty(), "deleted from the org the spec no longer names");
        String told = await().atMost(Duration.ofSeconds(20)).until(() -> eventMessage("DatasourcesDeleted"), Objects::nonNull);
        assertTrue(told.contains("spec.grafana now names Grafana " + grafana.url() + " org 2"), told);
    }

    /**
     * A service account's token belongs to one org: pointed at another, Grafana refuses it. The datasources stay
     * where they work, and the condition says why the new org has none; proper credentials then move them.
     */
    @Test
    void aTokenPointedAtAnotherOrgDeletesNothing() {
        cluster.create(withGrafana());
        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(GrafanaStandIn.DEFAULT_ORG, uid(TENANT)).isPresent());

        cluster.editGateway(namespace, g -> g.getSpec().grafana.orgId = 2L);

        Condition refused = await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .filter(c -> c.message.contains("API key does not belong to the requested organization")).orElse(null), Objects::nonNull);
        assertEquals("False", refused.status);
        assertTrue(grafana.datasource(GrafanaStandIn.DEFAULT_ORG, uid(TENANT)).isPresent(), "left where they work");
        assertEquals(List.of(), grafana.writes().stream().filter(r -> r.method().equals("DELETE")).toList());

        cluster.apply(Fixtures.secret(namespace, GRAFANA_CREDENTIALS, Map.of("admin-user", GrafanaStandIn.USER, "admin-password", GrafanaStandIn.PASSWORD)));

        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(2, uid(TENANT)).isPresent()
                && grafana.datasource(GrafanaStandIn.DEFAULT_ORG, uid(TENANT)).isEmpty());
    }

    @Test
    void newCredentialsForTheSameGrafanaAndOrgDeleteNothing() {
        cluster.apply(Fixtures.secret(namespace, GRAFANA_CREDENTIALS, Map.of("admin-user", GrafanaStandIn.USER, "admin-password", GrafanaStandIn.PASSWORD)));
        cluster.create(withGrafana());
        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid(TENANT)).isPresent());
        long id = grafana.datasource(uid(TENANT)).orElseThrow().json().path("id").asLong();

        // A service-account token instead of the admin's password: same Grafana, same org.
        cluster.apply(Fixtures.secret(namespace, GRAFANA_CREDENTIALS, Map.of("token", GrafanaStandIn.TOKEN)));

        // A move would be cleaned up before the sync lists the datasources with the new token.
        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.requests().stream().anyMatch(r -> r.path().equals("/api/datasources")
                && ("Bearer " + GrafanaStandIn.TOKEN).equals(r.headers().get("authorization"))));
        assertEquals(List.of(), grafana.writes().stream().filter(r -> r.method().equals("DELETE")).toList());
        assertEquals(id, grafana.datasource(uid(TENANT)).orElseThrow().json().path("id").asLong(), "the same datasource, not a new one");
    }

    @Test
    void removingSpecGrafanaDeletesTheDatasources() {
        cluster.create(withGrafana());
        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid(TENANT)).isPresent());

        cluster.editGateway(namespace, g -> g.getSpec().grafana = null);

        Condition synced = await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .filter(c -> c.reason.equals("NotConfigured")).orElse(null), Objects::nonNull);
        assertTrue(synced.message.contains("deleted 1 datasource(s) from Grafana " + grafana.url()), synced.message);
        assertEquals(List.of(), grafana.datasources());
        assertTrue(eventMessage("DatasourcesDeleted") != null);
        // Nothing of it left in any Grafana: a deletion no longer waits for the provisioner.
        await().atMost(Duration.ofSeconds(20)).until(() -> !cluster.gateway(namespace).hasFinalizer(TempoGateway.CLEANUP_FINALIZER));
    }

    @Test
    void aPreviousGrafanaThatIsGoneHoldsNothingUpAndWhatIsLeftThereIsTold() {
        GrafanaStandIn decommissioned = GrafanaStandIn.start();
        TempoGateway gateway = withGrafana();
        gateway.getSpec().grafana.url = decommissioned.url().toString();
        cluster.create(gateway);
        await().atMost(Duration.ofSeconds(20)).until(() -> decommissioned.datasource(uid(TENANT)).isPresent());
        decommissioned.close();

        cluster.editGateway(namespace, g -> g.getSpec().grafana.url = grafana.url().toString());

        // The new Grafana is synced all the same, and the gateway is Ready.
        Condition synced = await().atMost(Duration.ofSeconds(20)).until(() -> syncedIn(grafana), Objects::nonNull);
        assertEquals("True", synced.status);
        assertTrue(cluster.conditionIs(namespace, Conditions.READY, "True"));
        assertTrue(grafana.datasource(uid(TENANT)).isPresent());
        assertTrue(synced.message.contains("left in Grafana " + decommissioned.url()), synced.message);
        List<Event> leftBehind = events("DatasourcesLeftBehind");
        assertEquals(1, leftBehind.size());
        String told = leftBehind.get(0).getMessage();
        assertEquals("Warning", leftBehind.get(0).getType());
        assertTrue(told.contains("left in Grafana " + decommissioned.url()) && told.contains("delete them there by hand"), told);
        assertFalse(told.contains(GrafanaStandIn.TOKEN) || synced.message.contains(GrafanaStandIn.TOKEN));

        // Said once: the next reconcile (any change to a Secret it names) neither tries nor tells it again.
        cluster.apply(Fixtures.secret(namespace, GRAFANA_CREDENTIALS, Map.of("token", GrafanaStandIn.TOKEN, "touched", "1")));
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .map(c -> !c.message.contains("left in")).orElse(false));
        assertEquals(1, events("DatasourcesLeftBehind").size());
    }

    /** DatasourcesSynced once it speaks of this Grafana, else null. */
    Condition syncedIn(GrafanaStandIn where) {
        return cluster.condition(namespace, Conditions.DATASOURCES_SYNCED)
                .filter(c -> c.message.contains("in sync in Grafana " + where.url())).orElse(null);
    }

    String eventMessage(String reason) {
        return events(reason).stream().map(Event::getMessage).findFirst().orElse(null);
    }

    List<Event> events(String reason) {
        return cluster.events(namespace).stream().filter(e -> reason.equals(e.getReason())).toList();
    }
}
