package dev.tracegate.provisioner.expose;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.ExposeSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.OpenShiftRoutes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The Route that spec.expose.route asks for is kept exactly so: what it should not hold is removed, and what
 * OpenShift's API server and router fill in by themselves is not fought.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class RouteSpecTest extends FreshNamespaceWithRoutes {
    static final String NAME = GATEWAY + "-query-frontend";
    static final String HOST = "tempo.apps.example.com";

    @Test
    void switchingFromEdgeToInsecureRemovesTheTlsAndTheRouteServesHttp() {
        exposeByRoute(ExposeSpec.Termination.EDGE);
        assertEquals("edge", tls(route()).get("termination"));

        cluster.editGateway(namespace, g -> g.getSpec().expose.route.termination = ExposeSpec.Termination.INSECURE);

        await().atMost(Duration.ofSeconds(20)).until(() -> exposed().message.contains("serves http://" + HOST + " "));
        assertFalse(spec(route()).containsKey("tls"), "tls left on an insecure Route: " + spec(route()));
        assertEquals("RouteReady", exposed().reason);
    }

    @Test
    void aTlsBlockAddedByHandToAnInsecureRouteIsRemoved() {
        exposeByRoute(ExposeSpec.Termination.INSECURE);
        editRoute(r -> spec(r).put("tls", Map.of("termination", "edge")));

        reconcileAgain();

        assertFalse(spec(route()).containsKey("tls"), "tls kept on an insecure Route: " + spec(route()));
        assertTrue(exposed().message.contains("serves http://" + HOST + " "), exposed().message);
    }

    @Test
    void whatOpenShiftFillsInItselfIsNoReasonToWriteTheRoute() {
        exposeByRoute(ExposeSpec.Termination.EDGE);
        // As OpenShift holds it: its API server's defaults (library-go's route defaulting: to.kind, to.weight,
        // wildcardPolicy; tls.termination when empty) and the router's status.
        editRoute(r -> {
            Map<String, Object> spec = spec(r);
            @SuppressWarnings("unchecked")
            Map<String, Object> to = new LinkedHashMap<>((Map<String, Object>) spec.get("to"));
            to.putIfAbsent("kind", "Service");
            to.putIfAbsent("weight", 100);
            spec.put("to", to);
            spec.putIfAbsent("wildcardPolicy", "None");
            r.setAdditionalProperty("status", Map.of("ingress", List.of(Map.of("host", HOST, "routerName", "default",
                    "wildcardPolicy", "None", "conditions", List.of(Map.of("type", "Admitted", "status", "True"))))));
        });
        String resourceVersion = route().getMetadata().getResourceVersion();

        reconcileAgain();

        assertEquals(resourceVersion, route().getMetadata().getResourceVersion(), "the Route was written again");
        assertTrue(cluster.events(namespace).stream().noneMatch(e -> "RouteUpdated".equals(e.getReason())),
                "RouteUpdated told");
    }

    @Test
    void aNewHostMovesTheRouteAndTheUrl() {
        exposeByRoute(ExposeSpec.Termination.EDGE);

        cluster.editGateway(namespace, g -> g.getSpec().expose.route.host = "traces.apps.example.com");

        await().atMost(Duration.ofSeconds(20)).until(() -> "traces.apps.example.com".equals(spec(route()).get("host")));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> exposed().message.contains("serves https://traces.apps.example.com "));
    }

    private void exposeByRoute(ExposeSpec.Termination termination) {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().gateway.enabled = false;
        gateway.getSpec().expose = new ExposeSpec();
        gateway.getSpec().expose.route = new ExposeSpec.RouteSpec();
        gateway.getSpec().expose.route.host = HOST;
        gateway.getSpec().expose.route.termination = termination;
        cluster.create(gateway);
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.EXPOSED, "True"));
    }

    /** A change elsewhere in the spec, and its reconcile done (the status observes the new generation). */
    private void reconcileAgain() {
        TempoGateway changed = cluster.editGateway(namespace,
                g -> g.getSpec().upstream.distributor = "http://tempo-foo-distributor:4319");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            TempoGateway now = cluster.gateway(namespace);
            return now.getStatus() != null
                    && changed.getMetadata().getGeneration().equals(now.getStatus().observedGeneration);
        });
    }

    private void editRoute(Consumer<GenericKubernetesResource> change) {
        OpenShiftRoutes.route(client, namespace, NAME).edit(r -> {
            r.setAdditionalProperty("spec", new LinkedHashMap<>(spec(r)));
            change.accept(r);
            return r;
        });
    }

    private GenericKubernetesResource route() {
        return OpenShiftRoutes.route(client, namespace, NAME).get();
    }

    private Condition exposed() {
        return cluster.condition(namespace, Conditions.EXPOSED).orElseThrow();
    }

    private static Map<String, Object> spec(GenericKubernetesResource route) {
        return OpenShiftRoutes.spec(route);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tls(GenericKubernetesResource route) {
        return (Map<String, Object>) spec(route).get("tls");
    }
}
