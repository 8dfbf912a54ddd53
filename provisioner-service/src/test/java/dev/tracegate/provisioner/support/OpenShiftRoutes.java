package dev.tracegate.provisioner.support;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Map;

/**
 * OpenShift's route.openshift.io API in tests: only OpenShift serves it, so a CRD of that shape (any fields kept)
 * stands in for it. It applies none of OpenShift's defaults or admission: a test that needs them does what the
 * API server would.
 */
public final class OpenShiftRoutes {
    static final String CRD = "routes.route.openshift.io";

    private OpenShiftRoutes() {
    }

    public static void install(KubernetesClient client) {
        CustomResourceDefinition routes = new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(CRD).endMetadata()
                .withNewSpec().withGroup("route.openshift.io").withScope("Namespaced")
                .withNewNames().withKind("Route").withPlural("routes").withSingular("route").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema().endSchema().endVersion().endSpec().build();
        client.apiextensions().v1().customResourceDefinitions().resource(routes).create();
    }

    public static void remove(KubernetesClient client) {
        client.apiextensions().v1().customResourceDefinitions().withName(CRD).delete();
    }

    public static Resource<GenericKubernetesResource> route(KubernetesClient client, String namespace, String name) {
        return client.genericKubernetesResources("route.openshift.io/v1", "Route")
                .inNamespace(namespace).withName(name);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> spec(GenericKubernetesResource route) {
        return (Map<String, Object>) route.getAdditionalProperties().get("spec");
    }
}
