package dev.tracegate.provisioner.reconcile;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A write the API server refuses with 409 Conflict (the object changed since the informer's copy: a user's edit, a
 * GitOps sync) is routine: retried until the TempoGateway is Ready, and counted as a conflict, not as a failure that
 * the TracegateProvisionerDatasourcesNotSynced alert would count.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class ConflictRetryTest {
    /** What the API server answers to a write that carries an outdated resourceVersion. */
    static final String CONFLICT = """
            {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Conflict", "code": 409,
             "message": "Operation cannot be fulfilled on tempogateways.tracegate.dev \\"tempo-foo\\": the object has been modified; please apply your changes to the latest version and try again"}
            """;

    @KubernetesTestServer
    KubernetesServer mockServer;

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry meters;

    double reconciles(String result) {
        return meters.counter("tracegate.provisioner.reconciles", "result", result).count();
    }

    @Test
    void aConflictingStatusWriteIsRetriedAndCountedAsAConflict() {
        Cluster cluster = new Cluster(client);
        String namespace = Fixtures.freshNamespace();
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "s3cret"));
        mockServer.expect().put()
                .withPath("/apis/tracegate.dev/v1alpha1/namespaces/" + namespace + "/tempogateways/" + GATEWAY + "/status")
                .andReturn(409, CONFLICT).once();
        double conflicts = reconciles("conflict");

        cluster.create(Fixtures.seedGateway(namespace));

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.READY, "True"));
        // At least: another TempoGateway of this application may meet a conflict of its own meanwhile.
        assertTrue(reconciles("conflict") >= conflicts + 1, "the refused status write, counted as a conflict");
    }
}
