package dev.tracegate.provisioner.expose;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tracegate.provisioner.crd.ExposeSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.ApiRequestLog;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.OpenShiftRoutes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Ingress or Route made for a TempoGateway is watched: one deleted or edited by someone else is put back at
 * once, not at the next resync (5 minutes, in tests too), and the provisioner's own writes, which come back as
 * watch events too, do not reconcile the TempoGateway again. Each reconcile reads the Ingress and the Route once from
 * the API server, so the provisioner's reads of them count its reconciles.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class ExposedObjectRepairTest extends FreshNamespaceWithRoutes {
    static final String NAME = GATEWAY + "-query-frontend";
    static final String HOST = "tempo.example.com";
    /** Far below the resync interval: only a watch puts the object back this soon. */
    static final Duration AT_ONCE = Duration.ofSeconds(30);
    /** Ample time for a reconcile that an event started to have read the object. */
    static final Duration QUIET = Duration.ofSeconds(3);

    @BeforeEach
    void grafanasOAuthClient() {
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "s3cret"));
    }

    @Test
    void aDeletedIngressIsPutBackAtOnce() {
        deletedIsPutBackAtOnce(new ByIngress());
    }

    @Test
    void anIngressWhoseHostIsEditedIsPutBackAtOnce() {
        editedIsPutBackAtOnce(new ByIngress());
    }

    @Test
    void aDeletedRouteIsPutBackAtOnce() {
        deletedIsPutBackAtOnce(new ByRoute());
    }

    @Test
    void aRouteWhoseHostIsEditedIsPutBackAtOnce() {
        editedIsPutBackAtOnce(new ByRoute());
    }

    @Test
    void theProvisionersOwnIngressWritesReconcileNothingMoreButAHandEditDoes() {
        ownWritesReconcileNothingMore(new ByIngress());
    }

    @Test
    void theProvisionersOwnRouteWritesReconcileNothingMoreButAHandEditDoes() {
        ownWritesReconcileNothingMore(new ByRoute());
    }

    private void deletedIsPutBackAtOnce(Exposed exposed) {
        String uid = expose(exposed).getMetadata().getUid();
        assertNotNull(uid, "the API server gives each object a uid");

        exposed.resource().delete();

        await().atMost(AT_ONCE).until(() -> exposed.resource().get() != null
                && !uid.equals(exposed.resource().get().getMetadata().getUid()));
        assertEquals(HOST, exposed.host());
    }

    private void editedIsPutBackAtOnce(Exposed exposed) {
        expose(exposed);

        exposed.editHost("elsewhere.example.com");

        await().atMost(AT_ONCE).until(() -> HOST.equals(exposed.host()));
    }

    /**
     * Each step is one reconcile and only one: the provisioner's create, update and delete of the object come back
     * as events that its last reconcile has seen already. A hand edit, in between, is news: one reconcile.
     */
    private void ownWritesReconcileNothingMore(Exposed exposed) {
        expose(exposed);
        assertReconciles(1, exposed, "the creation");

        cluster.editGateway(namespace, g -> exposed.ask(g, "traces.example.com"));
        await().atMost(AT_ONCE).until(() -> "traces.example.com".equals(exposed.host()));
        assertReconciles(2, exposed, "the TempoGateway's change, not the update it made");

        exposed.editHost("elsewhere.example.com");
        await().atMost(AT_ONCE).until(() -> "traces.example.com".equals(exposed.host()));
        assertReconciles(3, exposed, "the hand edit, not the update that put it back");

        cluster.editGateway(namespace, g -> g.getSpec().expose = null);
        await().atMost(AT_ONCE).until(() -> exposed.resource().get() == null);
        assertReconciles(4, exposed, "spec.expose removed, not the deletion it made");
    }

    /** A TempoGateway exposed by this kind of object, as it made it. */
    private HasMetadata expose(Exposed exposed) {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().gateway.enabled = false;
        exposed.ask(gateway, HOST);
        cluster.create(gateway);
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.EXPOSED, "True")
                && exposed.resource().get() != null);
        return exposed.resource().get();
    }

    private void assertReconciles(long expected, Exposed exposed, String what) {
        await().during(QUIET).atMost(QUIET.multipliedBy(4)).untilAsserted(() -> assertEquals(expected, reads(exposed),
                "reconciles of the TempoGateway, the last for " + what));
    }

    /** The provisioner's reads of the object from the API server: one per reconcile. */
    private long reads(Exposed exposed) {
        return ApiRequestLog.read().stream().filter(r -> r.verb().equals("get") && r.resource().equals(exposed.plural())
                && r.namespace().equals(namespace) && r.name().equals(NAME)).count();
    }

    /** The Ingress or the Route, as spec.expose asks for it and as someone with kubectl changes it. */
    private interface Exposed {
        /** Asks for it in the TempoGateway's spec.expose, serving this host. */
        void ask(TempoGateway gateway, String host);

        Resource<? extends HasMetadata> resource();

        String plural();

        String host();

        void editHost(String host);
    }

    private final class ByIngress implements Exposed {
        @Override
        public void ask(TempoGateway gateway, String host) {
            gateway.getSpec().expose = new ExposeSpec();
            gateway.getSpec().expose.ingress = new ExposeSpec.IngressSpec();
            gateway.getSpec().expose.ingress.host = host;
            gateway.getSpec().expose.ingress.className = "nginx";
        }

        @Override
        public Resource<Ingress> resource() {
            return client.network().v1().ingresses().inNamespace(namespace).withName(NAME);
        }

        @Override
        public String plural() {
            return "ingresses";
        }

        @Override
        public String host() {
            Ingress ingress = resource().get();
            return ingress == null ? null : ingress.getSpec().getRules().get(0).getHost();
        }

        @Override
        public void editHost(String host) {
            resource().edit(ingress -> {
                ingress.getSpec().getRules().get(0).setHost(host);
                return ingress;
            });
        }
    }

    private final class ByRoute implements Exposed {
        @Override
        public void ask(TempoGateway gateway, String host) {
            gateway.getSpec().expose = new ExposeSpec();
            gateway.getSpec().expose.route = new ExposeSpec.RouteSpec();
            gateway.getSpec().expose.route.host = host;
        }

        @Override
        public Resource<GenericKubernetesResource> resource() {
            return OpenShiftRoutes.route(client, namespace, NAME);
        }

        @Override
        public String plural() {
            return "routes";
        }

        @Override
        public String host() {
            GenericKubernetesResource route = resource().get();
            return route == null ? null : (String) OpenShiftRoutes.spec(route).get("host");
        }

        @Override
        public void editHost(String host) {
            resource().edit(route -> {
                Map<String, Object> spec = new LinkedHashMap<>(OpenShiftRoutes.spec(route));
                spec.put("host", host);
                route.setAdditionalProperty("spec", spec);
                return route;
            });
        }
    }
}
