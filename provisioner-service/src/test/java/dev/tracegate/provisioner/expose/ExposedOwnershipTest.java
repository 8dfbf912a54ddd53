package dev.tracegate.provisioner.expose;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.ExposeSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.OpenShiftRoutes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Ingress or Route made for a TempoGateway goes with it: its ownerReference names the TempoGateway as it is now.
 * The mock API server runs no garbage collector, so these tests do to the objects what it would have done: strip
 * the reference (kubectl delete --cascade=orphan), or not yet have deleted them (TempoGateway re-created at once).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class ExposedOwnershipTest extends FreshNamespaceWithRoutes {
    static final String NAME = GATEWAY + "-query-frontend";
    /** An owner a user added beside ours, which the provisioner leaves there. */
    static final OwnerReference USERS_OWNER = new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
            .withName("tempo-notes").withUid("uid-of-tempo-notes").build();

    @Test
    void anIngressOrphanedByTheTempoGatewaysDeletionIsOwnedByTheOneCreatedAgain() {
        cluster.create(exposedByIngress());
        await().atMost(Duration.ofSeconds(20)).until(() -> ingress().get() != null);

        TempoGateway again = recreate(() -> edit(ingress(), i -> i.getMetadata().setOwnerReferences(null)));

        await().atMost(Duration.ofSeconds(20)).until(() -> ownerUids(ingress().get()).equals(Set.of(uid(again))));
        assertOwnedBy(again, ingress().get());
    }

    @Test
    void anIngressStillOwnedByAnEarlierTempoGatewayOfTheSameNameIsOwnedByTheNewOne() {
        TempoGateway first = cluster.create(exposedByIngress());
        await().atMost(Duration.ofSeconds(20)).until(() -> ingress().get() != null);
        edit(ingress(), i -> i.getMetadata().getOwnerReferences().add(USERS_OWNER));

        TempoGateway second = recreate(() -> { });

        await().atMost(Duration.ofSeconds(20)).until(() -> ownerUids(ingress().get()).contains(uid(second)));
        assertEquals(Set.of(uid(second), USERS_OWNER.getUid()), ownerUids(ingress().get()),
                "the first TempoGateway's reference (" + uid(first) + ") replaced, the user's kept");
        assertOwnedBy(second, ingress().get());
    }

    @Test
    void aRouteOrphanedByTheTempoGatewaysDeletionIsOwnedByTheOneCreatedAgain() {
        cluster.create(exposedByRoute());
        await().atMost(Duration.ofSeconds(20)).until(() -> route().get() != null);

        TempoGateway again = recreate(() -> edit(route(), r -> r.getMetadata().setOwnerReferences(null)));

        await().atMost(Duration.ofSeconds(20)).until(() -> ownerUids(route().get()).equals(Set.of(uid(again))));
        assertOwnedBy(again, route().get());
    }

    @Test
    void aRouteStillOwnedByAnEarlierTempoGatewayOfTheSameNameIsOwnedByTheNewOne() {
        TempoGateway first = cluster.create(exposedByRoute());
        await().atMost(Duration.ofSeconds(20)).until(() -> route().get() != null);
        edit(route(), r -> r.getMetadata().getOwnerReferences().add(USERS_OWNER));

        TempoGateway second = recreate(() -> { });

        await().atMost(Duration.ofSeconds(20)).until(() -> ownerUids(route().get()).contains(uid(second)));
        assertEquals(Set.of(uid(second), USERS_OWNER.getUid()), ownerUids(route().get()),
                "the first TempoGateway's reference (" + uid(first) + ") replaced, the user's kept");
        assertOwnedBy(second, route().get());
    }

    /**
     * Deletes the TempoGateway (the provisioner's cleanup leaves the Ingress and Route to the garbage collector), does
     * what the garbage collector would have done by then, and creates the TempoGateway again: a new uid.
     */
    private TempoGateway recreate(Runnable garbageCollector) {
        TempoGateway spec = cluster.gateway(namespace);
        cluster.deleteGateway(namespace);
        garbageCollector.run();
        TempoGateway again = new TempoGateway();
        again.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(GATEWAY).build());
        again.setSpec(spec.getSpec());
        return cluster.create(again);
    }

    private static void assertOwnedBy(TempoGateway gateway, HasMetadata object) {
        OwnerReference owner = object.getMetadata().getOwnerReferences().stream()
                .filter(r -> uid(gateway).equals(r.getUid())).findFirst().orElseThrow();
        assertEquals("TempoGateway", owner.getKind());
        assertEquals(GATEWAY, owner.getName());
        assertTrue(owner.getController(), "controller reference");
    }

    private TempoGateway exposedByIngress() {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().gateway.enabled = false;
        gateway.getSpec().expose = new ExposeSpec();
        gateway.getSpec().expose.ingress = new ExposeSpec.IngressSpec();
        gateway.getSpec().expose.ingress.host = "tempo.example.com";
        gateway.getSpec().expose.ingress.className = "nginx";
        return gateway;
    }

    private TempoGateway exposedByRoute() {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().gateway.enabled = false;
        gateway.getSpec().expose = new ExposeSpec();
        gateway.getSpec().expose.route = new ExposeSpec.RouteSpec();
        gateway.getSpec().expose.route.host = "tempo.apps.example.com";
        return gateway;
    }

    private Resource<Ingress> ingress() {
        return client.network().v1().ingresses().inNamespace(namespace).withName(NAME);
    }

    private Resource<GenericKubernetesResource> route() {
        return OpenShiftRoutes.route(client, namespace, NAME);
    }

    /** Changes the object's metadata as kubectl edit (or the garbage collector) would. */
    private static <T extends HasMetadata> void edit(Resource<T> resource, Consumer<T> change) {
        resource.edit(object -> {
            List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
            object.getMetadata().setOwnerReferences(refs == null ? new ArrayList<>() : new ArrayList<>(refs));
            change.accept(object);
            return object;
        });
    }

    private static Set<String> ownerUids(HasMetadata object) {
        List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
        return refs == null ? Set.of() : refs.stream().map(OwnerReference::getUid).collect(Collectors.toSet());
    }

    private static String uid(TempoGateway gateway) {
        return gateway.getMetadata().getUid();
    }
}
