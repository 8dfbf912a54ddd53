package dev.tracegate.provisioner.expose;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.ExposeSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.OpenShiftRoutes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Only a Service of the TempoGateway's namespace can be exposed. A spec.upstream.queryFrontend that names none is
 * told in the status (Exposed False, QueryFrontendNotAService) and the rest of the reconcile goes on, as for a
 * Service of another namespace: also for a URL Java's URI refuses (a '|' in the path, which the CRD's pattern admits)
 * or reads no host from (an '_' in the host name, which the CRD admitted before it stated the validator's host
 * rule). Those used to fail every reconcile before it wrote anything.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class QueryFrontendNotAServiceTest extends FreshNamespaceWithRoutes {
    static final String NAME = GATEWAY + "-query-frontend";

    @ParameterizedTest(name = "{0} of {1}")
    @CsvSource({"INGRESS, http://tempo-qf.elsewhere:3200", "INGRESS, http://tempo_qf:3200", "INGRESS, http://tempo-qf:3200/a|b",
            "ROUTE, http://tempo-qf.elsewhere:3200", "ROUTE, http://tempo_qf:3200", "ROUTE, http://tempo-qf:3200/a|b"})
    void aQueryFrontendThatIsNoServiceOfTheNamespaceIsNotExposedAndTheStatusSaysWhy(ExposedObjectWatch.Kind kind, String queryFrontend) {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().gateway.enabled = false;
        gateway.getSpec().upstream.queryFrontend = queryFrontend;
        gateway.getSpec().expose = new ExposeSpec();
        if (kind == ExposedObjectWatch.Kind.INGRESS) {
            gateway.getSpec().expose.ingress = new ExposeSpec.IngressSpec();
            gateway.getSpec().expose.ingress.host = "tempo.example.com";
        } else {
            gateway.getSpec().expose.route = new ExposeSpec.RouteSpec();
            gateway.getSpec().expose.route.host = "tempo.apps.example.com";
        }
        cluster.create(gateway);

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.condition(namespace, Conditions.EXPOSED).isPresent());
        Condition exposed = cluster.condition(namespace, Conditions.EXPOSED).orElseThrow();
        assertEquals("False", exposed.status);
        assertEquals("QueryFrontendNotAService", exposed.reason);
        assertTrue(exposed.message.contains("spec.upstream.queryFrontend " + queryFrontend + " "), exposed.message);
        assertTrue(cluster.conditionIs(namespace, Conditions.READY, "False"), "Ready");
        assertTrue(cluster.condition(namespace, Conditions.DATASOURCES_SYNCED).isPresent(), "the reconcile stopped before the datasources");
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.events(namespace).stream()
                .anyMatch(e -> "QueryFrontendNotAService".equals(e.getReason()) && "Warning".equals(e.getType())));
        assertNull(kind == ExposedObjectWatch.Kind.INGRESS
                ? client.network().v1().ingresses().inNamespace(namespace).withName(NAME).get()
                : OpenShiftRoutes.route(client, namespace, NAME).get());
    }
}
