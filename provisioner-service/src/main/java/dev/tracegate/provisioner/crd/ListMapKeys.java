package dev.tracegate.provisioner.crd;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * Makes a list field of the annotated type a Kubernetes list-map, as {@code +listType=map} and {@code +listMapKey}
 * do on a Go type: {@code @SchemaCustomizer(value = ListMapKeys.class, input = "conditions=type")} gives the
 * field {@code conditions} {@code x-kubernetes-list-type: map} and {@code x-kubernetes-list-map-keys: [type]}.
 * The API server then refuses two items with the same key, and server-side apply merges the items by key.
 *
 * <p>fabric8's CRD generator (7.5.2) has no annotation for it. Its own {@code SchemaCustomizer.MergePatchCustomizer}
 * is no JSON merge patch: it updates the type's schema one level deep, so a patch of {@code properties.conditions}
 * replaces every other property of the type.
 *
 * <p>Build time only: the generator runs this; nothing at runtime calls it.
 */
public class ListMapKeys implements SchemaCustomizer.Customizer {
    @Override
    public JSONSchemaProps apply(JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
        String[] fieldAndKeys = input.split("=", 2);
        if (fieldAndKeys.length != 2 || fieldAndKeys[1].isBlank()) {
            throw new IllegalArgumentException("ListMapKeys: input must be <list field>=<key>[,<key>...], not " + input);
        }
        String field = fieldAndKeys[0];
        List<String> keys = List.of(fieldAndKeys[1].split(","));
        JSONSchemaProps list = schema.getProperties() == null ? null : schema.getProperties().get(field);
        if (list == null || !"array".equals(list.getType()) || list.getItems() == null || list.getItems().getSchema() == null) {
            throw new IllegalArgumentException("ListMapKeys: " + field + " is not a list field of this type");
        }
        JSONSchemaProps item = list.getItems().getSchema();
        for (String key : keys) {
            requireKeyEveryItemHas(field, item, key);
        }
        list.setXKubernetesListType("map");
        list.setXKubernetesListMapKeys(keys);
        return schema;
    }

    /**
     * What the API server asks of a list-map key: a scalar field that every item has, so required or defaulted.
     * Checked here so that a wrong key fails the build, not the installation of the CRD.
     */
    private static void requireKeyEveryItemHas(String field, JSONSchemaProps item, String key) {
        JSONSchemaProps keySchema = item.getProperties() == null ? null : item.getProperties().get(key);
        if (keySchema == null || "object".equals(keySchema.getType()) || "array".equals(keySchema.getType())) {
            throw new IllegalArgumentException("ListMapKeys: " + field + "[]." + key + " is not a scalar field of the items");
        }
        boolean required = item.getRequired() != null && item.getRequired().contains(key);
        if (!required && keySchema.getDefault() == null) {
            throw new IllegalArgumentException("ListMapKeys: " + field + "[]." + key
                    + " must be required (@Required) or have a default: every item of a list-map needs its key");
        }
    }
}
