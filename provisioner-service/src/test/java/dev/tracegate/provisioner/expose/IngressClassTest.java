package dev.tracegate.provisioner.expose;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tracegate.provisioner.crd.ExposeSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The class of the Ingress that spec.expose.ingress asks for. Without className, a real API server's
 * DefaultIngressClass admission plugin gives the Ingress the cluster's default class when it is created (and only
 * then); the mock API server has no admission, so these tests do what the plugin would.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class IngressClassTest {
    static final String DEFAULT_CLASS = "cluster-default";

    @Inject
    KubernetesClient client;

    Cluster cluster;
    String namespace;

    @BeforeEach
    void freshNamespace() {
        cluster = new Cluster(client);
        namespace = Fixtures.freshNamespace();
    }

    @Test
    void withoutClassNameAnUpdatedIngressKeepsTheClassTheApiServerAssigned() {
        exposeWithoutClassName();

        cluster.editGateway(namespace, g -> g.getSpec().expose.ingress.host = "tempo2.example.com");

        await().atMost(Duration.ofSeconds(20)).until(() -> "tempo2.example.com".equals(host(ingress())));
        assertEquals(DEFAULT_CLASS, ingress().getSpec().getIngressClassName());
    }

    @Test
    void aClassNameSetLaterReplacesTheClassTheApiServerAssigned() {
        exposeWithoutClassName();

        cluster.editGateway(namespace, g -> g.getSpec().expose.ingress.className = "nginx");

        await().atMost(Duration.ofSeconds(20)).until(() -> "nginx".equals(ingress().getSpec().getIngressClassName()));
        assertEquals("tempo.example.com", host(ingress()));
    }

    /** A TempoGateway exposed by an Ingress without className, and that Ingress as the API server would have made it. */
    private void exposeWithoutClassName() {
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getSpec().gateway.enabled = false;
        gateway.getSpec().expose = new ExposeSpec();
        gateway.getSpec().expose.ingress = new ExposeSpec.IngressSpec();
        gateway.getSpec().expose.ingress.host = "tempo.example.com";
        cluster.create(gateway);
        await().atMost(Duration.ofSeconds(20)).until(() -> ingress() != null);
        assertNull(ingress().getSpec().getIngressClassName(), "the provisioner asks for no class");
        client.network().v1().ingresses().inNamespace(namespace).withName(ingressName())
                .edit(i -> {
                    i.getSpec().setIngressClassName(DEFAULT_CLASS);
                    return i;
                });
    }

    private Ingress ingress() {
        return client.network().v1().ingresses().inNamespace(namespace).withName(ingressName()).get();
    }

    private static String ingressName() {
        return GATEWAY + "-query-frontend";
    }

    private static String host(Ingress ingress) {
        return ingress.getSpec().getRules().get(0).getHost();
    }
}
