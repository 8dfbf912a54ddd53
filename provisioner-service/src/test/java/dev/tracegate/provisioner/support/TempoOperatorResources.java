package dev.tracegate.provisioner.support;

import dev.tracegate.provisioner.tempooperator.TempoResourceKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Tempo Operator's side in tests: its CRDs as we wrote them from its API reference (test resources
 * tempo-operator/), and TempoStacks/TempoMonolithics read from kubernetes/examples, so the tests run what users apply.
 */
public final class TempoOperatorResources {
    public static final Path EXAMPLES = Path.of("..", "kubernetes", "examples", "tempostack");

    private TempoOperatorResources() {
    }

    public static void installCrd(KubernetesClient client, TempoResourceKind kind) {
        String file = "tempo-operator/" + kind.plural() + ".tempo.grafana.com.yaml";
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException(file + " is not on the test class path");
            }
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
            client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(existing -> existing.update());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void removeCrd(KubernetesClient client, TempoResourceKind kind) {
        client.apiextensions().v1().customResourceDefinitions().withName(kind.plural() + "." + TempoResourceKind.GROUP).delete();
    }

    /** A TempoStack or TempoMonolithic from a file under kubernetes/examples/tempostack/, into the namespace. */
    public static GenericKubernetesResource example(KubernetesClient client, String file, String namespace) {
        try {
            GenericKubernetesResource resource = client.getKubernetesSerialization()
                    .unmarshal(Files.readString(EXAMPLES.resolve(file)), GenericKubernetesResource.class);
            resource.getMetadata().setNamespace(namespace);
            return resource;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static GenericKubernetesResource create(KubernetesClient client, GenericKubernetesResource resource) {
        return in(client, resource).create();
    }

    public static GenericKubernetesResource update(KubernetesClient client, GenericKubernetesResource resource) {
        return in(client, resource).update();
    }

    private static Resource<GenericKubernetesResource> in(KubernetesClient client, GenericKubernetesResource resource) {
        TempoResourceKind kind = resource.getKind().equals("TempoMonolithic") ? TempoResourceKind.TEMPO_MONOLITHIC : TempoResourceKind.TEMPO_STACK;
        return client.genericKubernetesResources(kind.context()).inNamespace(resource.getMetadata().getNamespace()).resource(resource);
    }
}
