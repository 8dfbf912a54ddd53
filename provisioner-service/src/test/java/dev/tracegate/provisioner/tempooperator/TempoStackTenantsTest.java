package dev.tracegate.provisioner.tempooperator;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.ExposeSpec;
import dev.tracegate.provisioner.crd.GatewaySpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.grafana.DatasourceUid;
import dev.tracegate.provisioner.grafana.GrafanaStandIn;
import dev.tracegate.provisioner.secrets.Ownership;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.OpenShiftRoutes;
import dev.tracegate.provisioner.support.ServiceAccountTokens;
import dev.tracegate.provisioner.support.TempoOperatorResources;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TempoGateway with spec.tenantsFrom serves the tenants of an existing TempoStack or TempoMonolithic: one Grafana
 * datasource per tenant at the operator's gateway, and the operator's tenant Secrets filled from Grafana's OAuth
 * client. The TempoStacks are the ones in kubernetes/examples/tempostack/.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class TempoStackTenantsTest {
    static final String STACK = "simplest";
    static final String GRAFANA_CREDENTIALS = "grafana-api";

    @Inject
    KubernetesClient client;

    @Inject
    TempoResourceWatch tempoResources;

    Cluster cluster;
    String namespace;
    GrafanaStandIn grafana;

    @BeforeEach
    void start() {
        cluster = new Cluster(client);
        namespace = Fixtures.freshNamespace();
        grafana = GrafanaStandIn.start();
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "grafana-client-secret"));
        cluster.apply(Fixtures.secret(namespace, GRAFANA_CREDENTIALS, Map.of("token", GrafanaStandIn.TOKEN)));
    }

    @AfterEach
    void stop() {
        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway(namespace) == null);
        grafana.close();
    }

    /** The example TempoGateway, named as the test helpers expect and wired to the Grafana stand-in. */
    TempoGateway exampleGateway(String file) {
        try {
            TempoGateway gateway = client.getKubernetesSerialization()
                    .unmarshal(Files.readString(TempoOperatorResources.EXAMPLES.resolve(file)), TempoGateway.class);
            gateway.getMetadata().setNamespace(namespace);
            gateway.getMetadata().setName(GATEWAY);
            gateway.getSpec().grafana.url = grafana.url().toString();
            return gateway;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    GenericKubernetesResource exampleStack(String file) {
        return TempoOperatorResources.example(client, file, namespace);
    }

    String uid(String tenant) {
        return DatasourceUid.of(namespace + "/" + GATEWAY, tenant);
    }

    String operatorGateway(String tenant, String scheme) {
        return scheme + "://tempo-" + STACK + "-gateway." + namespace + ".svc:8080/api/traces/v1/" + tenant + "/tempo";
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    @Test
    void theOperatorsMultiTenantSampleGetsOneDatasourcePerTenantAtItsGatewayAndTenantSecretsFromGrafana() {
        GenericKubernetesResource stack = TempoOperatorResources.create(client, exampleStack("tempostack.yaml"));
        cluster.create(exampleGateway("tempogateway.yaml"));

        cluster.awaitReady(namespace);
        for (String tenant : List.of("dev", "prod")) {
            GrafanaStandIn.Datasource datasource = grafana.datasource(uid(tenant)).orElseThrow();
            assertEquals(operatorGateway(tenant, "http"), datasource.url());
            assertTrue(datasource.jsonData().path("oauthPassThru").asBoolean(), "Forward OAuth Identity");
            String secret = "tenant-" + tenant + "-oidc";
            assertEquals("grafana", cluster.secretValue(namespace, secret, "clientID"));
            assertEquals("grafana-client-secret", cluster.secretValue(namespace, secret, "clientSecret"));
            // The TempoStack's Secrets, as its tenants name them: gone with it, not with the TempoGateway that reads them.
            assertEquals(List.of("TempoStack/" + STACK + "/" + stack.getMetadata().getUid() + " controller=false"),
                    owners(cluster.secret(namespace, secret)));
        }
        Condition tenants = cluster.condition(namespace, Conditions.TENANTS_RESOLVED).orElseThrow();
        assertEquals("FromTempoResource", tenants.reason);
        assertTrue(tenants.message.contains("2 tenant(s) from TempoStack simplest (mode static)"), tenants.message);
        assertEquals("OperatorGateway", cluster.condition(namespace, Conditions.CONFIG_PUBLISHED).orElseThrow().reason);
        // Posted after the status write that made it Ready.
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.events(namespace).stream().anyMatch(
                e -> GATEWAY.equals(e.getInvolvedObject().getName()) && e.getMessage().contains("TempoStack simplest")));
        // Read, never written: not its spec, not its status.
        GenericKubernetesResource after = client.genericKubernetesResources(TempoResourceKind.TEMPO_STACK.context())
                .inNamespace(namespace).withName(STACK).get();
        assertEquals(stack.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion());

        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "rotated-secret"));

        await().atMost(Duration.ofSeconds(20)).until(() -> "rotated-secret".equals(cluster.secretValue(namespace, "tenant-prod-oidc", "clientSecret")));
        assertEquals("rotated-secret", cluster.secretValue(namespace, "tenant-dev-oidc", "clientSecret"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aChangeToTheTempoStacksTenantsReconcilesTheTempoGateway() {
        TempoOperatorResources.create(client, exampleStack("tempostack.yaml"));
        cluster.create(exampleGateway("tempogateway.yaml"));
        cluster.awaitReady(namespace);

        GenericKubernetesResource stack = client.genericKubernetesResources(TempoResourceKind.TEMPO_STACK.context())
                .inNamespace(namespace).withName(STACK).get();
        Map<String, Object> tenants = (Map<String, Object>) spec(stack).get("tenants");
        List<Map<String, Object>> authentication = new ArrayList<>((List<Map<String, Object>>) tenants.get("authentication"));
        authentication.removeIf(t -> "prod".equals(t.get("tenantName")));
        authentication.add(Map.of("tenantName", "staging", "tenantId", "staging-id", "oidc", Map.of(
                "issuerURL", "http://dex.dex.svc:30556/dex", "secret", Map.of("name", "tenant-staging-oidc"))));
        tenants.put("authentication", authentication);
        TempoOperatorResources.update(client, stack);

        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid("staging")).isPresent());
        assertEquals(operatorGateway("staging", "http"), grafana.datasource(uid("staging")).get().url());
        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid("prod")).isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> "grafana".equals(cluster.secretValue(namespace, "tenant-staging-oidc", "clientID")));
        // prod's Secret was made for this TempoGateway and no tenant reads it now.
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.secret(namespace, "tenant-prod-oidc") == null);
        assertTrue(grafana.datasource(uid("dev")).isPresent());
    }

    /**
     * A TempoGateway pointed at another TempoStack leaves the first one's tenant Secrets to it: that TempoStack still
     * names them, and they go when it goes. Those of the one it reads now are filled, and owned by that one.
     */
    @Test
    void aTempoGatewayPointedElsewhereLeavesTheFirstTempoStacksSecretsToIt() {
        GenericKubernetesResource first = TempoOperatorResources.create(client, exampleStack("tempostack.yaml"));
        cluster.create(exampleGateway("tempogateway.yaml"));
        cluster.awaitReady(namespace);
        GenericKubernetesResource other = exampleStack("tempostack.yaml");
        other.getMetadata().setName("other");
        rename(other, "tenant-dev-oidc", "other-dev-oidc");
        rename(other, "tenant-prod-oidc", "other-prod-oidc");
        other = TempoOperatorResources.create(client, other);

        cluster.editGateway(namespace, g -> g.getSpec().tenantsFrom.name = "other");

        await().atMost(Duration.ofSeconds(20)).until(() -> "grafana".equals(cluster.secretValue(namespace, "other-prod-oidc", "clientID")));
        assertEquals(List.of("TempoStack/other/" + other.getMetadata().getUid() + " controller=false"),
                owners(cluster.secret(namespace, "other-dev-oidc")));
        cluster.awaitReady(namespace);
        for (String secret : List.of("tenant-dev-oidc", "tenant-prod-oidc")) {
            assertEquals("grafana-client-secret", cluster.secretValue(namespace, secret, "clientSecret"), secret + " is kept");
            assertEquals(List.of("TempoStack/" + STACK + "/" + first.getMetadata().getUid() + " controller=false"),
                    owners(cluster.secret(namespace, secret)));
        }
    }

    /**
     * The TempoStack's Secrets outlive a deleted TempoGateway; one that reads the same TempoStack after it fills them
     * from then on (a rotation reaches them), rather than refusing them as another TempoGateway's.
     */
    @Test
    void aTempoGatewayThatReplacesADeletedOneFillsTheTempoStacksSecrets() {
        TempoOperatorResources.create(client, exampleStack("tempostack.yaml"));
        cluster.create(exampleGateway("tempogateway.yaml"));
        cluster.awaitReady(namespace);
        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway(namespace) == null);
        assertEquals("grafana-client-secret", cluster.secretValue(namespace, "tenant-dev-oidc", "clientSecret"),
                "the TempoStack's: not deleted with the TempoGateway (the API server's garbage collector would not either)");

        TempoGateway successor = exampleGateway("tempogateway.yaml");
        successor.getMetadata().setName("successor");
        cluster.create(successor);
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "rotated-secret"));

        try {
            for (String secret : List.of("tenant-dev-oidc", "tenant-prod-oidc")) {
                await().atMost(Duration.ofSeconds(20)).until(() -> "rotated-secret".equals(cluster.secretValue(namespace, secret, "clientSecret")));
                assertEquals("successor", cluster.secret(namespace, secret).getMetadata().getLabels().get(Ownership.GATEWAY));
            }
        } finally {
            client.resources(TempoGateway.class).inNamespace(namespace).withName("successor").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(TempoGateway.class).inNamespace(namespace)
                    .withName("successor").get() == null);
        }
    }

    /** A Secret an earlier version made for the TempoGateway (its controller reference) is handed to the TempoStack. */
    @Test
    void aSecretMadeForTheTempoGatewayByAnEarlierVersionGoesToTheTempoStack() {
        GenericKubernetesResource stack = TempoOperatorResources.create(client, exampleStack("tempostack.yaml"));
        cluster.create(exampleGateway("tempogateway.yaml"));
        cluster.awaitReady(namespace);

        TempoGateway gateway = cluster.gateway(namespace);
        cluster.editSecret(namespace, "tenant-dev-oidc", s -> s.getMetadata().setOwnerReferences(
                List.of(Ownership.ownerReference(gateway))));

        List<String> stackOnly = List.of("TempoStack/" + STACK + "/" + stack.getMetadata().getUid() + " controller=false");
        await().atMost(Duration.ofSeconds(20)).until(() -> owners(cluster.secret(namespace, "tenant-dev-oidc")), stackOnly::equals);

        // Beside the TempoStack's, a reference to the TempoGateway would still delete the Secret with it: it goes.
        cluster.editSecret(namespace, "tenant-dev-oidc", s -> s.getMetadata().setOwnerReferences(
                List.of(Ownership.ownerReference(gateway), s.getMetadata().getOwnerReferences().get(0))));
        await().atMost(Duration.ofSeconds(20)).until(() -> owners(cluster.secret(namespace, "tenant-dev-oidc")), stackOnly::equals);
    }

    @SuppressWarnings("unchecked")
    static void rename(GenericKubernetesResource stack, String secret, String to) {
        Map<String, Object> tenants = (Map<String, Object>) spec(stack).get("tenants");
        for (Map<String, Object> tenant : (List<Map<String, Object>>) tenants.get("authentication")) {
            Map<String, Object> ref = (Map<String, Object>) ((Map<String, Object>) tenant.get("oidc")).get("secret");
            if (secret.equals(ref.get("name"))) {
                ref.put("name", to);
            }
        }
    }

    static List<String> owners(Secret secret) {
        return secret.getMetadata().getOwnerReferences().stream()
                .map(r -> r.getKind() + "/" + r.getName() + "/" + r.getUid() + " controller=" + r.getController()).toList();
    }

    @Test
    void aTenantSecretOfTheTempoStackThatWeDidNotMakeIsLeftAloneAndNamed() {
        cluster.apply(Fixtures.secret(namespace, "tenant-prod-oidc", Map.of("clientID", "hand-made", "clientSecret", "hand-made-secret")));
        TempoOperatorResources.create(client, exampleStack("tempostack.yaml"));
        cluster.create(exampleGateway("tempogateway.yaml"));

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.SECRETS_SYNCED, "False"));
        Condition secrets = cluster.condition(namespace, Conditions.SECRETS_SYNCED).orElseThrow();
        assertEquals("ForeignSecret", secrets.reason);
        assertTrue(secrets.message.contains("tenant-prod-oidc"), secrets.message);
        assertEquals("hand-made-secret", cluster.secretValue(namespace, "tenant-prod-oidc", "clientSecret"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "grafana".equals(cluster.secretValue(namespace, "tenant-dev-oidc", "clientID")));
    }

    /** The example TempoGateway with Tracegate's own gateway in front of the operator's tenants. */
    TempoGateway exampleGatewayWithTracegatesGateway() {
        TempoGateway gateway = exampleGateway("tempogateway.yaml");
        gateway.getSpec().gateway = new GatewaySpec();
        gateway.getSpec().gateway.enabled = true;
        gateway.getSpec().gateway.url = Fixtures.GATEWAY_URL;
        gateway.getSpec().gateway.serviceAccount = new GatewaySpec.ServiceAccountRef();
        gateway.getSpec().gateway.serviceAccount.name = Fixtures.GATEWAY_SA;
        return gateway;
    }

    RequestSpecification asGateway() {
        return given().auth().oauth2(ServiceAccountTokens.of(namespace, Fixtures.GATEWAY_SA));
    }

    String configPath() {
        return "/api/v1/gateways/" + namespace + "/" + GATEWAY + "/config";
    }

    @Test
    void tracegatesOwnGatewayInFrontServesTheTempoStacksTenantsAndTheOperatorsGatewayGetsNoDatasource() {
        TempoOperatorResources.create(client, exampleStack("tempostack.yaml"));
        cluster.create(exampleGatewayWithTracegatesGateway());

        cluster.awaitReady(namespace);
        assertEquals(Fixtures.GATEWAY_URL + "/api/traces/v1/prod/tempo", grafana.datasource(uid("prod")).orElseThrow().url());
        assertEquals("Published", cluster.condition(namespace, Conditions.CONFIG_PUBLISHED).orElseThrow().reason);
        asGateway().when().get(configPath()).then()
                .statusCode(200)
                .body("tenants.authentication.tenantName", contains("dev", "prod"))
                .body("tenants.authentication[1].tenantId", equalTo("6094b0f1-711d-4395-82c0-30c2720c6648"))
                .body("tenants.authentication[1].oidc.clientID", equalTo("grafana"))
                .body("tenants.authorization.roles[0].tenants", contains("dev", "prod"));
    }

    /**
     * The TempoStack names its tenants' Secrets, not the TempoGateway: they are watched all the same, so a Secret
     * rotated by hand reaches the gateways within seconds, not at the next resync (5 minutes), and one made after the
     * TempoGateway is picked up as soon.
     */
    @Test
    void aTenantSecretOfTheTempoStackRotatedByHandIsPublishedAtOnce() {
        cluster.apply(Fixtures.secret(namespace, "tenant-dev-oidc", Map.of("clientID", "dev-client", "clientSecret", "dev-first")));
        TempoOperatorResources.create(client, exampleStack("tempostack.yaml"));
        TempoGateway gateway = exampleGatewayWithTracegatesGateway();
        gateway.getSpec().secretSync = null; // the tenants' own Secrets, made by hand
        cluster.create(gateway);
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.CONFIG_PUBLISHED)
                .filter(c -> c.message.contains("tenant-prod-oidc")).isPresent());

        cluster.apply(Fixtures.secret(namespace, "tenant-prod-oidc", Map.of("clientID", "prod-client", "clientSecret", "prod-first")));
        cluster.awaitReady(namespace);
        asGateway().when().get(configPath()).then().statusCode(200)
                .body("tenants.authentication[1].oidc.clientSecret", equalTo("prod-first"));

        cluster.apply(Fixtures.secret(namespace, "tenant-prod-oidc", Map.of("clientID", "prod-client", "clientSecret", "prod-rotated")));

        await().atMost(Duration.ofSeconds(10)).until(() -> "prod-rotated".equals(asGateway().get(configPath())
                .then().extract().path("tenants.authentication[1].oidc.clientSecret")));
    }

    @Test
    void anIngressOfThatNameThatWeDidNotMakeIsLeftAloneAndNamed() {
        client.network().v1().ingresses().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder()
                .withNewMetadata().withName(GATEWAY + "-query-frontend").withNamespace(namespace).endMetadata()
                .withNewSpec().withIngressClassName("hand-made").endSpec().build()).create();
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().gateway.enabled = false;
        gateway.getSpec().expose = new ExposeSpec();
        gateway.getSpec().expose.ingress = new ExposeSpec.IngressSpec();
        gateway.getSpec().expose.ingress.host = "tempo.example.com";
        cluster.create(gateway);

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.EXPOSED, "False"));
        Condition exposed = cluster.condition(namespace, Conditions.EXPOSED).orElseThrow();
        assertEquals("ForeignIngress", exposed.reason);
        assertTrue(exposed.message.contains(GATEWAY + "-query-frontend"), exposed.message);
        assertEquals("hand-made", client.network().v1().ingresses().inNamespace(namespace).withName(GATEWAY + "-query-frontend").get()
                .getSpec().getIngressClassName());
    }

    TempoGateway withoutGatewayExposedByRoute() {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().gateway.enabled = false;
        gateway.getSpec().grafana = exampleGateway("tempogateway.yaml").getSpec().grafana;
        gateway.getSpec().expose = new ExposeSpec();
        gateway.getSpec().expose.route = new ExposeSpec.RouteSpec();
        gateway.getSpec().expose.route.host = "tempo.apps.example.com";
        return gateway;
    }

    @Test
    @SuppressWarnings("unchecked")
    void onOpenShiftARouteExposesTheQueryFrontendAndTheDatasourcesFollowIt() {
        OpenShiftRoutes.install(client);
        try {
            cluster.create(withoutGatewayExposedByRoute());

            cluster.awaitReady(namespace);
            GenericKubernetesResource route = OpenShiftRoutes.route(client, namespace, GATEWAY + "-query-frontend").get();
            Map<String, Object> spec = spec(route);
            assertEquals("tempo.apps.example.com", spec.get("host"));
            assertEquals("tempo-foo-query-frontend", ((Map<String, Object>) spec.get("to")).get("name"));
            assertEquals(3200, ((Number) ((Map<String, Object>) spec.get("port")).get("targetPort")).intValue());
            assertEquals("edge", ((Map<String, Object>) spec.get("tls")).get("termination"));
            assertEquals(GATEWAY, route.getMetadata().getOwnerReferences().get(0).getName());
            assertEquals("https://tempo.apps.example.com", grafana.datasource(uid(Fixtures.TENANT)).orElseThrow().url());
            assertEquals("RouteReady", cluster.condition(namespace, Conditions.EXPOSED).orElseThrow().reason);
        } finally {
            client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway(namespace) == null);
            OpenShiftRoutes.remove(client);
        }
    }

    @Test
    void withoutOpenShiftsRouteApiTheConditionSaysSo() {
        cluster.create(withoutGatewayExposedByRoute());

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.EXPOSED, "False"));
        assertEquals("RouteAPIMissing", cluster.condition(namespace, Conditions.EXPOSED).orElseThrow().reason);
    }

    /**
     * With tenantsFrom, a spec.gateway that leaves {@code enabled} out (here it names only who may read the
     * configuration) still goes through the operator's gateway: the CRD gives {@code enabled} no default, which the
     * API server would otherwise write into every spec.gateway it admits, and "left out" would never reach the
     * provisioner.
     */
    @Test
    void aSpecGatewayWithoutEnabledStillGoesThroughTheOperatorsGateway() {
        TempoOperatorResources.create(client, exampleStack("tempostack.yaml"));
        TempoGateway gateway = exampleGateway("tempogateway.yaml");
        gateway.getSpec().gateway = new GatewaySpec();
        gateway.getSpec().gateway.serviceAccount = new GatewaySpec.ServiceAccountRef();
        gateway.getSpec().gateway.serviceAccount.name = "tracegate-gateway";
        cluster.create(gateway);

        cluster.awaitReady(namespace);
        assertNull(cluster.gateway(namespace).getSpec().gateway.enabled, "as stored: left out");
        assertEquals("OperatorGateway", cluster.condition(namespace, Conditions.CONFIG_PUBLISHED).orElseThrow().reason);
        assertEquals(operatorGateway("dev", "http"), grafana.datasource(uid("dev")).orElseThrow().url());
    }

    @Test
    void modeOpenShiftWithTracegatesOwnGatewayIsRefused() {
        TempoOperatorResources.create(client, exampleStack("openshift/tempostack.yaml"));
        TempoGateway gateway = exampleGateway("openshift/tempogateway.yaml");
        gateway.getSpec().gateway = new GatewaySpec();
        gateway.getSpec().gateway.enabled = true;
        gateway.getSpec().gateway.url = Fixtures.GATEWAY_URL;
        cluster.create(gateway);

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.TENANTS_RESOLVED, "False"));
        assertEquals(TenantsSource.UNSUPPORTED_MODE, cluster.condition(namespace, Conditions.TENANTS_RESOLVED).orElseThrow().reason);
    }

    @Test
    void tenantsDeclaredInBothPlacesAreRefusedWithANamedCondition() {
        TempoOperatorResources.create(client, exampleStack("tempostack.yaml"));
        TempoGateway gateway = exampleGateway("tempogateway.yaml");
        gateway.getSpec().tenants = Fixtures.seedGateway(namespace).getSpec().tenants;
        cluster.create(gateway);

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.TENANTS_RESOLVED, "False"));
        Condition tenants = cluster.condition(namespace, Conditions.TENANTS_RESOLVED).orElseThrow();
        assertEquals(TenantsSource.TENANTS_DECLARED_TWICE, tenants.reason);
        assertTrue(tenants.message.contains("spec.tenants and spec.tenantsFrom"), tenants.message);
        assertEquals(TenantsSource.TENANTS_DECLARED_TWICE, cluster.condition(namespace, Conditions.READY).orElseThrow().reason);
        assertTrue(grafana.datasources().isEmpty(), "nothing is made from a refused spec");
        assertNull(cluster.secret(namespace, "tenant-dev-oidc"));
    }

    @Test
    void aTempoStackThatIsNotThereYetIsNamedAndPickedUpWhenItAppears() {
        cluster.create(exampleGateway("tempogateway.yaml"));

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.TENANTS_RESOLVED, "False"));
        Condition tenants = cluster.condition(namespace, Conditions.TENANTS_RESOLVED).orElseThrow();
        assertEquals(TenantsSource.RESOURCE_NOT_FOUND, tenants.reason);
        assertTrue(tenants.message.contains("TempoStack simplest"), tenants.message);

        TempoOperatorResources.create(client, exampleStack("tempostack.yaml"));

        cluster.awaitReady(namespace);
        assertTrue(grafana.datasource(uid("dev")).isPresent());
    }

    /** Each named TempoStack is watched (one watch each): the one a TempoGateway no longer names stops being watched. */
    @Test
    void namingAnotherTempoStackStopsTheWatchOfTheFirst() {
        TempoOperatorResources.create(client, exampleStack("tempostack.yaml"));
        cluster.create(exampleGateway("tempogateway.yaml"));
        cluster.awaitReady(namespace);
        TempoResourceWatch.Ref first = new TempoResourceWatch.Ref(TempoResourceKind.TEMPO_STACK, namespace, STACK);
        assertTrue(tempoResources.watched().contains(first));

        cluster.editGateway(namespace, g -> g.getSpec().tenantsFrom.name = "another");

        TempoResourceWatch.Ref another = new TempoResourceWatch.Ref(TempoResourceKind.TEMPO_STACK, namespace, "another");
        await().atMost(Duration.ofSeconds(20)).until(() -> tempoResources.watched().contains(another)
                && !tempoResources.watched().contains(first));
    }

    @Test
    void withoutTheTempoOperatorsCrdTheConditionSaysSoAndTheTempoMonolithicIsServedOnceItIsInstalled() {
        TempoOperatorResources.removeCrd(client, TempoResourceKind.TEMPO_MONOLITHIC);
        try {
            TempoGateway gateway = exampleGateway("tempogateway.yaml");
            gateway.getSpec().tenantsFrom.kind = dev.tracegate.provisioner.crd.TenantsFromSpec.Kind.TEMPO_MONOLITHIC;
            cluster.create(gateway);

            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.TENANTS_RESOLVED, "False"));
            Condition tenants = cluster.condition(namespace, Conditions.TENANTS_RESOLVED).orElseThrow();
            assertEquals(TenantsSource.CRD_MISSING, tenants.reason);
            assertTrue(tenants.message.contains("TempoMonolithic (tempo.grafana.com/v1alpha1) is not served"), tenants.message);
        } finally {
            TempoOperatorResources.installCrd(client, TempoResourceKind.TEMPO_MONOLITHIC);
        }
        TempoOperatorResources.create(client, monolithic());

        cluster.awaitReady(namespace);
        for (String tenant : List.of("dev", "prod")) {
            assertEquals(operatorGateway(tenant, "http"), grafana.datasource(uid(tenant)).orElseThrow().url());
        }
        assertEquals("grafana", cluster.secretValue(namespace, "tenant-dev-oidc", "clientID"));
    }

    /** A TempoMonolithic with the same tenants as the TempoStack sample, in spec.multitenancy. */
    GenericKubernetesResource monolithic() {
        GenericKubernetesResource stack = exampleStack("tempostack.yaml");
        GenericKubernetesResource mono = new GenericKubernetesResource();
        mono.setApiVersion(TempoResourceKind.GROUP_VERSION);
        mono.setKind("TempoMonolithic");
        mono.setMetadata(stack.getMetadata());
        Map<String, Object> multitenancy = new java.util.LinkedHashMap<>(castMap(spec(stack).get("tenants")));
        multitenancy.put("enabled", true);
        mono.setAdditionalProperty("spec", Map.of("multitenancy", multitenancy));
        return mono;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }

    @Test
    void openShiftModeGoesThroughTheOperatorsGatewayOverHttpsTrustingTheServiceCaAndSyncsNoSecrets() {
        String serviceCa = "-----BEGIN CERTIFICATE-----\nc2VydmljZS1jYQ==\n-----END CERTIFICATE-----\n";
        client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName("openshift-service-ca.crt")
                .withNamespace(namespace).endMetadata().addToData("service-ca.crt", serviceCa).build()).create();
        TempoOperatorResources.create(client, exampleStack("openshift/tempostack.yaml"));
        cluster.create(exampleGateway("openshift/tempogateway.yaml"));

        cluster.awaitReady(namespace);
        for (String tenant : List.of("dev", "prod")) {
            GrafanaStandIn.Datasource datasource = grafana.datasource(uid(tenant)).orElseThrow();
            assertEquals(operatorGateway(tenant, "https"), datasource.url());
            assertTrue(datasource.jsonData().path("oauthPassThru").asBoolean());
            assertTrue(datasource.jsonData().path("tlsAuthWithCACert").asBoolean());
            assertEquals(serviceCa, datasource.secureJsonData().get("tlsCACert"));
        }
        Condition secrets = cluster.condition(namespace, Conditions.SECRETS_SYNCED).orElseThrow();
        assertEquals("OpenShiftMode", secrets.reason);
        assertTrue(client.secrets().inNamespace(namespace).withLabel("tracegate.dev/gateway", GATEWAY).list().getItems().isEmpty());
        assertEquals("NoSecret", cluster.gateway(namespace).getStatus().tenants.get(0).secretResult);
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutTheOperatorsGatewayAnIngressExposesTheQueryFrontendAndTheDatasourcesFollowIt() {
        GenericKubernetesResource stack = exampleStack("tempostack.yaml");
        ((Map<String, Object>) ((Map<String, Object>) spec(stack).get("template")).get("gateway")).put("enabled", false);
        TempoOperatorResources.create(client, stack);
        TempoGateway gateway = exampleGateway("tempogateway.yaml");
        gateway.getSpec().expose = new ExposeSpec();
        gateway.getSpec().expose.ingress = new ExposeSpec.IngressSpec();
        gateway.getSpec().expose.ingress.host = "tempo.example.com";
        gateway.getSpec().expose.ingress.className = "nginx";
        gateway.getSpec().expose.ingress.tlsSecret = "tempo-example-tls";
        cluster.create(gateway);

        cluster.awaitReady(namespace);
        Ingress ingress = client.network().v1().ingresses().inNamespace(namespace).withName(GATEWAY + "-query-frontend").get();
        assertEquals("nginx", ingress.getSpec().getIngressClassName());
        assertEquals("tempo.example.com", ingress.getSpec().getRules().get(0).getHost());
        var backend = ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService();
        assertEquals("tempo-simplest-query-frontend", backend.getName());
        assertEquals(3200, backend.getPort().getNumber());
        assertEquals("tempo-example-tls", ingress.getSpec().getTls().get(0).getSecretName());
        assertEquals(GATEWAY, ingress.getMetadata().getOwnerReferences().get(0).getName());
        assertEquals("tracegate-provisioner", ingress.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
        GrafanaStandIn.Datasource dev = grafana.datasource(uid("dev")).orElseThrow();
        assertEquals("https://tempo.example.com", dev.url());
        assertEquals("X-Scope-OrgID", dev.jsonData().path("httpHeaderName1").asText());
        assertEquals("1610b0c3-c509-4592-a256-a1871353dbfa", dev.secureJsonData().get("httpHeaderValue1"));
        assertEquals("IngressReady", cluster.condition(namespace, Conditions.EXPOSED).orElseThrow().reason);

        cluster.editGateway(namespace, g -> g.getSpec().expose = null);

        await().atMost(Duration.ofSeconds(20)).until(() -> client.network().v1().ingresses().inNamespace(namespace)
                .withName(GATEWAY + "-query-frontend").get() == null);
        await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid("dev")).map(GrafanaStandIn.Datasource::url)
                .filter(("http://tempo-simplest-query-frontend." + namespace + ".svc:3200")::equals).isPresent());
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.EXPOSED).isEmpty());
    }
}
